"""Build benchmark (issue 5): our generator against Pelican and Hugo on the same generated Arabic corpus.

    .venv/bin/python bench/build.py [--sizes 1000,10000] [--skip-peers] [--keep DIR] [--profile]

For each size it generates a site (bench/sitegen.py: bodies recombined from ../shared), fills its
translation memory with one "translation build" using the tiny test model (tests/argos_model.py),
then measures, each with wall-clock time around a fresh process:
  (a) full build from a clean output/ and .cache/ (the filled translation memory kept),
  (b) rebuild with nothing changed,
  (c) rebuild after adding one article (dated after all others, with an editor translation, so no
      model runs: this measures the rebuild, not translation),
  (d) peak RSS, from GNU time (largest single process) and sampled over the process tree (sum).
The model stays installed while measuring, as on an editor's machine. We build both languages;
Pelican and Hugo build the Arabic pages only, with per-tag (theme) and per-month listing pages.
Pelican runs with its content cache on; Hugo has no incremental CLI build, so its rebuilds are
full builds. Each measurement is repeated up to --repeats times (once when a run is slower than
--repeat-below seconds) and the median reported. Nikola and Jekyll are not run.

Results are printed and written to bench/results/build-<date>.md. Needs ../shared (corpus).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import pstats
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "bench"), str(REPO / "tests")]

import sitegen  # noqa: E402  (bench/sitegen.py)
from generator.search import RECORD_PAGES, _pagefind_program  # noqa: E402
from generator.urls import page_path  # noqa: E402
from argos_model import build_argos_model  # noqa: E402  (tests/argos_model.py)

RESULTS = REPO / "bench" / "results"
GNU_TIME = Path("/usr/bin/time")
DEFAULT_TOOLS = Path.home() / ".cache" / "briefing-bench"
RSS_SAMPLE_SECONDS = 0.05
PROFILE_TOP = 25
PROFILE_TOP_OWN = 15
TRANSLATION_BUILD_TIMEOUT_FACTOR = 1.5  # a full build plus the model's work on the new segments
WRITTEN = re.compile(r"(\d+) page\(s\) written, (\d+) unchanged")
TRANSLATED = re.compile(r"(\d+) segment\(s\) from memory, (\d+) translated in ([\d.]+) s")
SEARCH_STAGE = re.compile(r"search index ([\d.]+) s")


# --- running and measuring one command ------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One timed process: wall seconds, CPU seconds, peak RSS (largest process, whole tree) and output."""

    seconds: float
    cpu_seconds: float
    max_rss_mb: float
    tree_rss_mb: float
    tree_pss_mb: float
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


class TreeRssSampler(threading.Thread):
    """Sums the resident memory of a process and all its descendants every few milliseconds.

    GNU time reports only the largest single process; a build with a process pool needs the sum.
    Shared pages count once per process, so that sum is an upper bound; the proportional set size
    (PSS, from /proc/<pid>/smaps_rollup) shares them out, so its sum is what the tree really holds.
    """

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_bytes = 0
        self.peak_pss_bytes = 0
        self.page_size = os.sysconf("SC_PAGE_SIZE")
        self.finished = threading.Event()

    def run(self) -> None:
        while not self.finished.wait(RSS_SAMPLE_SECONDS):
            tree = self._tree(self.pid)
            self.peak_bytes = max(self.peak_bytes, sum(self._resident(p) for p in tree))
            self.peak_pss_bytes = max(self.peak_pss_bytes, sum(self._proportional(p) for p in tree))

    def _tree(self, pid: int) -> list[int]:
        pids, pending = [], [pid]
        while pending:
            current = pending.pop()
            pids.append(current)
            try:
                for task in os.listdir(f"/proc/{current}/task"):
                    with open(f"/proc/{current}/task/{task}/children") as handle:
                        pending.extend(int(child) for child in handle.read().split())
            except OSError:
                continue  # the process ended between two reads
        return pids

    @staticmethod
    def _proportional(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) * 1024
        except (OSError, IndexError, ValueError):
            pass
        return 0

    def _resident(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm") as handle:
                return int(handle.read().split()[1]) * self.page_size
        except (OSError, IndexError, ValueError):
            return 0


def timed(command: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> Run:
    """Run `command` under GNU time in its own process group; kill the group when it overruns."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        wrapped = [str(GNU_TIME), "-f", "%M %U %S", "-o", stats.name, *command]
        started = time.perf_counter()
        process = subprocess.Popen(wrapped, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True)
        sampler = TreeRssSampler(process.pid)
        sampler.start()
        timed_out = False
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            timed_out = True
        seconds = time.perf_counter() - started
        sampler.finished.set()
        sampler.join()
        fields = stats.read().split()
    numbers = [float(f) for f in fields[-3:]] if len(fields) >= 3 else [0.0, 0.0, 0.0]
    return Run(seconds, numbers[1] + numbers[2], numbers[0] / 1024, sampler.peak_bytes / 2**20,
               sampler.peak_pss_bytes / 2**20, process.returncode, stdout, stderr, timed_out)


# --- the three tools ------------------------------------------------------------------------


class Tool(ABC):
    """A site generator set up on one generated corpus: how to clean, build and add an article."""

    name = ""
    scratch: tuple[str, ...] = ()  # what the tool writes in the site folder: output and caches

    def __init__(self, site: Path, env: dict[str, str]):
        self.site = site
        self.env = env

    @property
    def output(self) -> Path:
        return self.site / "output"

    @abstractmethod
    def command(self) -> list[str]:
        """The build command, run in the site folder."""

    def clean(self) -> None:
        """Remove the output and every cache, for a build from scratch; the removal reaches the disk
        before the build starts, so its write-back is not charged to the build (ours syncs)."""
        for name in self.scratch:
            shutil.rmtree(self.site / name, ignore_errors=True)
        os.sync()

    @abstractmethod
    def add(self, article: sitegen.GeneratedArticle) -> None:
        """Write one more article into the site's content, in the tool's format."""


class Ours(Tool):
    name = "ours (ar+en)"
    scratch = ("output", ".output.spare", ".cache")

    @classmethod
    def create(cls, site: Path, articles: list[sitegen.GeneratedArticle], env: dict[str, str]) -> Ours:
        sitegen.write_our_site(site, articles)
        return cls(site, env)

    def command(self) -> list[str]:
        return [sys.executable, "-m", "generator", "build", "--site", str(self.site), "-v"]  # -v: stage times

    def add(self, article: sitegen.GeneratedArticle) -> None:
        sitegen.write_our_article(self.site, article)


PELICAN_CONFIG = """\
AUTHOR = "bench"
SITENAME = "bench"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "ar"
DEFAULT_PAGINATION = False
RELATIVE_URLS = True
LOAD_CONTENT_CACHE = True
CACHE_CONTENT = True
CACHE_PATH = "cache"
MONTH_ARCHIVE_SAVE_AS = "archive/{date:%Y}/{date:%m}/index.html"
"""


class Peer(Tool):
    """A generator we compare with, run from its own executable."""

    def __init__(self, site: Path, env: dict[str, str], executable: Path):
        super().__init__(site, env)
        self.executable = executable


class Pelican(Peer):
    name = "Pelican (ar)"
    scratch = ("output", "cache")

    @classmethod
    def create(cls, site: Path, articles: list[sitegen.GeneratedArticle], env: dict[str, str],
               executable: Path) -> Pelican:
        (site / "content").mkdir(parents=True)
        (site / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
        for article in articles:
            sitegen.write_pelican_article(site / "content", article)
        return cls(site, env, executable)

    def command(self) -> list[str]:
        return [str(self.executable), "content", "-s", "pelicanconf.py", "-o", "output", "-q"]

    def add(self, article: sitegen.GeneratedArticle) -> None:
        sitegen.write_pelican_article(self.site / "content", article)


HUGO_CONFIG = """\
baseURL = "/"
languageCode = "ar"
defaultContentLanguage = "ar"
title = "bench"
[taxonomies]
  theme = "themes"
  month = "months"
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<a href="{{ "themes/" | relURL }}">المواضيع</a> <a href="{{ "months/" | relURL }}">الأرشيف</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<time>{{ .Date.Format "2006-01-02" }}</time>
<ul>{{ range .GetTerms "themes" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ .Content }}</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>{{ end }}</ul>
{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "index.html": """{{ define "main" }}<ul>{{ range site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time>{{ .Date.Format "2006-01-02" }}</time></li>{{ end }}</ul>{{ end }}
""",
}


class Hugo(Peer):
    name = "Hugo (ar)"
    scratch = ("output", "resources", "hugo-cache")

    @classmethod
    def create(cls, site: Path, articles: list[sitegen.GeneratedArticle], env: dict[str, str],
               executable: Path) -> Hugo:
        (site / "content" / "articles").mkdir(parents=True)
        (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        for name, text in HUGO_LAYOUTS.items():
            path = site / "layouts" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for article in articles:
            sitegen.write_hugo_article(site / "content" / "articles", article)
        return cls(site, env, executable)

    def command(self) -> list[str]:
        return [str(self.executable), "--quiet", "--source", str(self.site), "--destination", "output",
                "--cacheDir", str(self.site / "hugo-cache")]

    def add(self, article: sitegen.GeneratedArticle) -> None:
        sitegen.write_hugo_article(self.site / "content" / "articles", article)


# --- measuring one tool at one size ---------------------------------------------------------


@dataclass
class Row:
    size: int
    tool: str
    full: list[Run] = field(default_factory=list)
    no_change: list[Run] = field(default_factory=list)
    add_one: list[Run] = field(default_factory=list)
    serve_add_one: list[float] = field(default_factory=list)  # ours only: save → page served by `serve` (a draft)
    serve_rebuilt: list[float] = field(default_factory=list)  # ours only: save → `serve` has rebuilt the site
    html_pages: int = 0
    files: int = 0
    bare_pagefind: float | None = None  # ours only: Pagefind alone over the full build's record pages
    problem: str | None = None  # "timeout" or the error, when a run did not finish

    def median(self, runs: list[Run]) -> float | None:
        good = [r.seconds for r in runs if r.ok]
        return statistics.median(good) if good else None

    def median_cpu(self, runs: list[Run]) -> float | None:
        good = [r.cpu_seconds for r in runs if r.ok]
        return statistics.median(good) if good else None

    def peak(self, measure: Callable[[Run], float]) -> float | None:
        """The largest of one memory measure over every finished run."""
        runs = [measure(r) for r in self.full + self.no_change + self.add_one if r.ok]
        return max(runs) if runs else None

    @property
    def max_rss(self) -> float | None:
        return self.peak(lambda run: run.max_rss_mb)

    @property
    def tree_rss(self) -> float | None:
        return self.peak(lambda run: run.tree_rss_mb)

    @property
    def tree_pss(self) -> float | None:
        return self.peak(lambda run: run.tree_pss_mb)

    @property
    def search_stage(self) -> float | None:
        """Our search stage in the clean full builds (median), from their stage times."""
        found = [float(m.group(1)) for r in self.full if r.ok and (m := SEARCH_STAGE.search(r.stdout))]
        return statistics.median(found) if found else None

    @property
    def add_one_written(self) -> str:
        counts = [WRITTEN.search(r.stdout) for r in self.add_one if r.ok]
        return ", ".join(m.group(1) for m in counts if m) or "all"


def measure(tool: Tool, size: int, follow_ups: list[sitegen.GeneratedArticle], args: argparse.Namespace,
            log: Callable[[str], None]) -> Row:
    """(a) clean full builds, (b) unchanged rebuilds, (c) add-one rebuilds; stop at the first failure."""
    row = Row(size, tool.name)

    def repeat(label: str, runs: list[Run], before: Callable[[int], None]) -> bool:
        for attempt in range(args.repeats):
            before(attempt)
            run = timed(tool.command(), cwd=tool.site, env=tool.env, timeout=args.timeout)
            runs.append(run)
            log(f"  {tool.name:14} {label:10} {run.seconds:8.2f} s  cpu {run.cpu_seconds:7.2f} s  "
                f"rss {run.max_rss_mb:6.0f} MB  tree {run.tree_rss_mb:6.0f} MB"
                + ("  TIMEOUT" if run.timed_out else f"  exit {run.returncode}" if run.returncode else ""))
            if not run.ok:
                log("  " + run.stderr.strip().replace("\n", "\n  ")[-3000:])
                row.problem = "timeout" if run.timed_out else f"exit {run.returncode}: {_tail(run.stderr)}"
                return False
            translation = TRANSLATED.search(run.stdout)
            if translation and translation.group(2) != "0":  # the model ran: this run measured translation too
                row.problem = f"{label} run translated {translation.group(2)} segments"
            if run.seconds > args.repeat_below:
                break
        return True

    if not repeat("full", row.full, lambda _: tool.clean()):
        return row
    if isinstance(tool, Ours):
        row.bare_pagefind = bare_pagefind(tool.site / ".cache" / RECORD_PAGES, args.timeout)
    row.html_pages = sum(1 for _ in tool.output.rglob("*.html"))
    row.files = sum(1 for p in tool.output.rglob("*") if p.is_file())
    if repeat("no-change", row.no_change, lambda _: None):
        repeat("add-one", row.add_one, lambda attempt: tool.add(follow_ups[attempt]))
    return row


def measure_serve(tool: Ours, articles: list[sitegen.GeneratedArticle], args: argparse.Namespace,
                  log: Callable[[str], None]) -> tuple[list[float], list[float], str | None]:
    """(c') the editor's loop: `serve` running, one article saved at a time; seconds from the save
    until the server answers the new article's page (its watcher's polling and debounce included:
    serve answers with a draft first), and until serve has rebuilt the whole site."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [*tool.command()[:3], "serve", "--site", str(tool.site), "--port", str(port)]
    log_file = open(tool.site.parent / "serve.log", "w", encoding="utf-8")
    # SIGINT is how serve is stopped, and a shell's background jobs start with it ignored: restore it.
    server = subprocess.Popen(command, cwd=tool.site, env=tool.env, stdout=log_file, stderr=subprocess.STDOUT,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    seconds: list[float] = []
    rebuilt: list[float] = []
    try:
        if not _logged_within(log_file.name, "Serving ", args.timeout):  # printed after serve's first build
            return seconds, rebuilt, "serve did not start"
        for builds, article in enumerate(articles, start=2):
            page = f"http://127.0.0.1:{port}/{page_path('article', 'ar', article.stem)}"
            saved = time.perf_counter()
            tool.add(article)
            answered = _served_within(page, args.timeout)
            if answered is None:
                return seconds, rebuilt, "serve did not publish the new article"
            if not _logged_within(log_file.name, "Built in ", args.timeout, times=builds):
                return seconds, rebuilt, "serve did not finish the rebuild"
            seconds.append(answered - saved)
            rebuilt.append(time.perf_counter() - saved)
            log(f"  {tool.name:14} serve add-one {seconds[-1]:6.2f} s (save → page served), "
                f"{rebuilt[-1]:6.2f} s (save → site rebuilt)")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log_file.close()
    return seconds, rebuilt, None


def _logged_within(path: str, text: str, timeout: float, times: int = 1) -> bool:
    """Whether `text` appears `times` times in the file at `path` within `timeout` seconds (polled every 10 ms)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if Path(path).read_text(encoding="utf-8", errors="replace").count(text) >= times:
            return True
        time.sleep(0.01)
    return False


def _served_within(url: str, timeout: float) -> float | None:
    """perf_counter() when `url` first answers 200, polling every 10 ms; None after `timeout` seconds."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter()
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.01)
    return None


def _tail(text: str, lines: int = 3) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])


# --- set-up: model, translation build, peers ------------------------------------------------


@dataclass(frozen=True)
class TranslationBuild:
    size: int
    run: Run
    memory_entries: int

    def describe(self) -> str:
        match = TRANSLATED.search(self.run.stdout)
        detail = (f"{match.group(1)} segments from memory, {match.group(2)} translated in {match.group(3)} s"
                  if match else _tail(self.run.stderr or self.run.stdout))
        if self.run.timed_out:
            detail = "timeout; " + detail
        return (f"{self.size} articles: {self.run.seconds:.1f} s wall ({detail}); "
                f"memory now {self.memory_entries} entries")


def argos_environment(home: Path) -> dict[str, str]:
    """An isolated Argos Translate home for every subprocess, so the user's own models are untouched."""
    return {**os.environ, "ARGOS_PACKAGES_DIR": str(home / "packages"), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config")}


def install_tiny_model(work: Path, env: dict[str, str], site: Path) -> None:
    """Build the test suite's tiny ar→en model and install it with our own `models install`."""
    texts = [line for path in sorted((REPO / "content" / "articles").glob("*.md")) if not path.name.endswith(".en.md")
             for line in path.read_text(encoding="utf-8").split("\n---\n", 1)[-1].splitlines() if line.strip()]
    model = build_argos_model(work / "translate-ar_en-1_0.argosmodel", texts)
    subprocess.run([sys.executable, "-m", "generator", "models", "install", "--site", str(site), "--from-file",
                    str(model)], cwd=REPO, env=env, check=True, capture_output=True, text=True)


def pelican_executable(tools: Path, log: Callable[[str], None]) -> Path | None:
    """Pelican in its own virtualenv outside the project (created once, reused by later runs)."""
    venv = tools / "pelican-venv"
    executable = venv / "bin" / "pelican"
    if not executable.exists():
        log(f"installing Pelican into {venv} …")
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
            subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "pelican", "markdown"], check=True,
                           capture_output=True, text=True)
        except subprocess.CalledProcessError as exc:
            log(f"Pelican not installed: {_tail(exc.stderr or '')}")
            return None
    return executable


def tool_version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "not available"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr).strip() else "?"


# --- report ---------------------------------------------------------------------------------


def machine_description() -> list[str]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    return [f"nproc {len(os.sched_getaffinity(0))}, CPU {cpu}, {memory:.0f} GiB RAM",
            f"Python {platform.python_version()} ({sys.executable}), {platform.platform()}"]


def generator_state() -> str:
    """The commit plus a digest of uncommitted changes to what a build runs, to tell if it changed mid-run."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout
    changes = git("diff", "HEAD", "--", "generator", "templates", "static", "site.yaml")
    digest = hashlib.sha256(changes.encode()).hexdigest()[:8]
    return git("rev-parse", "--short", "HEAD").strip() + (f" + uncommitted changes {digest}" if changes else "")


def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def bare_pagefind(records: Path, timeout: float) -> float | None:
    """Seconds of one plain `pagefind` run over every record page our search stage gave Pagefind
    (all shards in one index): Pagefind's own time on our records, the floor of our search stage."""
    program = _pagefind_program()
    if program is None or not records.is_dir():
        return None
    with tempfile.TemporaryDirectory() as output:
        started = time.perf_counter()
        done = subprocess.run([str(program), "--site", str(records), "--output-path", output],
                              capture_output=True, timeout=timeout)
        seconds = time.perf_counter() - started
    return seconds if done.returncode == 0 else None


def search_table(rows: list[Row]) -> list[str]:
    """Our search stage against bare Pagefind, and the rest of our full build against Pelican's."""
    lines = ["| size | our search stage s | bare Pagefind s | ratio | our full build minus bare Pagefind s "
             "| Pelican full build s | ratio |", "|---|---|---|---|---|---|---|"]
    for row in rows:
        if row.tool != Ours.name or row.median(row.full) is None:
            continue
        pelican = next((r for r in rows if r.size == row.size and r.tool == Pelican.name), None)
        rest = None if row.bare_pagefind is None else row.median(row.full) - row.bare_pagefind
        theirs = pelican.median(pelican.full) if pelican else None
        lines.append(f"| {row.size:,} | {fmt(row.search_stage)} | {fmt(row.bare_pagefind)} | "
                     f"{ratio(row.search_stage, row.bare_pagefind)} | {fmt(rest)} | {fmt(theirs)} | {ratio(rest, theirs)} |")
    return lines


def growth_lines(rows: list[Row]) -> list[str]:
    """How our add-one rebuild grows with the archive: each size against the smallest of 2,500 or more."""
    ours = sorted((r for r in rows if r.tool == Ours.name and r.median(r.add_one)), key=lambda r: r.size)
    base = next((r for r in ours if r.size >= 2500), None)
    return [f"- add-one at {r.size:,} / at {base.size:,}: {ratio(r.median(r.add_one), base.median(base.add_one))} "
            f"({r.median(r.add_one):.2f} s / {base.median(base.add_one):.2f} s)" for r in ours if base and r is not base]


def ratio(ours: float | None, peer: float | None) -> str:
    return "—" if ours is None or not peer else f"{ours / peer:.2f}"


def results_table(rows: list[Row]) -> list[str]:
    lines = ["| size | tool | full build s | no-change rebuild s | add-one rebuild s | add-one under serve s: "
             "page served (draft) / site rebuilt | "
             "peak RSS MB (largest process) | peak RSS MB (process tree) | peak PSS MB (process tree) | "
             "HTML pages | files in output | files written by add-one | note |",
             "|" + "---|" * 13]
    for row in rows:
        serve = (f"{fmt(statistics.median(row.serve_add_one))} / {fmt(statistics.median(row.serve_rebuilt))}"
                 if row.serve_add_one else "–")
        lines.append(f"| {row.size:,} | {row.tool} | {timing(row, row.full)} | {timing(row, row.no_change)} | "
                     f"{timing(row, row.add_one)} | {serve} | {fmt(row.max_rss, 0)} | {fmt(row.tree_rss, 0)} | "
                     f"{fmt(row.tree_pss, 0)} | "
                     f"{row.html_pages:,} | {row.files:,} | {row.add_one_written} | {row.problem or ''} |")
    return lines


def timing(row: Row, runs: list[Run]) -> str:
    """Median wall seconds, with the median CPU seconds (user + system, children included) in brackets."""
    wall, cpu = row.median(runs), row.median_cpu(runs)
    return "—" if wall is None else f"{wall:.2f} ({cpu:.2f})"


def ratio_table(rows: list[Row]) -> list[str]:
    lines = ["| size | ours / peer | full build | no-change rebuild | add-one rebuild | peak RSS (tree) |",
             "|---|---|---|---|---|---|"]
    for size in sorted({r.size for r in rows}):
        ours = next((r for r in rows if r.size == size and r.tool == Ours.name), None)
        peers = [r for r in rows if r.size == size and r is not ours] if ours else []
        for peer in peers:
            cells = [f"{ratio(ours.median(mine), peer.median(theirs))} "
                     f"({ratio(ours.median_cpu(mine), peer.median_cpu(theirs))})"
                     for mine, theirs in ((ours.full, peer.full), (ours.no_change, peer.no_change),
                                          (ours.add_one, peer.add_one))]
            lines.append(f"| {size:,} | ours / {peer.tool} | " + " | ".join(cells)
                         + f" | {ratio(ours.tree_rss, peer.tree_rss)} |")
    return lines


def raw_runs(rows: list[Row]) -> list[str]:
    lines = []
    for row in rows:
        for label, runs in (("full", row.full), ("no-change", row.no_change), ("add-one", row.add_one)):
            if runs:
                lines.append(f"- {row.size:,} {row.tool} {label}: " + ", ".join(f"{r.seconds:.2f}" for r in runs) + " s")
        if row.serve_add_one:
            lines.append(f"- {row.size:,} {row.tool} add-one under serve, page served: "
                         + ", ".join(f"{seconds:.2f}" for seconds in row.serve_add_one) + " s; site rebuilt: "
                         + ", ".join(f"{seconds:.2f}" for seconds in row.serve_rebuilt) + " s")
    return lines


def profile_build(site: Path, env: dict[str, str], work: Path, timeout: float) -> list[str]:
    """cProfile of one clean full build: the top functions by cumulative time, then by own time."""
    Ours(site, env).clean()
    out = work / "build.prof"
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "generator", "build", "--site", str(site)],
                   cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=True)
    stream = _Lines()
    stats = pstats.Stats(str(out), stream=stream)
    stats.strip_dirs().sort_stats("cumulative").print_stats(PROFILE_TOP)
    stats.sort_stats("tottime").print_stats(PROFILE_TOP_OWN)
    return stream.lines


class _Lines:
    """A write()-able sink that keeps pstats' report as lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._partial = ""

    def write(self, text: str) -> None:
        parts = (self._partial + text).split("\n")
        self._partial = parts.pop()
        self.lines.extend(parts)


# --- main -------------------------------------------------------------------------------------


def main() -> int:
    # Stopped with SIGTERM (kill), still run the clean-ups in `finally`: no serve left running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated article counts (default 1000,10000)")
    parser.add_argument("--skip-peers", action="store_true", help="measure only our generator")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep the generated sites")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one clean build of the smallest size with cProfile (top 25 cumulative)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement, median reported (default 3)")
    parser.add_argument("--repeat-below", type=float, default=20.0, metavar="S",
                        help="repeat a measurement only while a run takes less than S seconds (default 20)")
    parser.add_argument("--timeout", type=float, default=600.0, metavar="S",
                        help="give up on a build after S seconds and report 'timeout' (default 600)")
    parser.add_argument("--tools", type=Path, default=DEFAULT_TOOLS, metavar="DIR",
                        help=f"where Pelican's virtualenv is kept between runs (default {DEFAULT_TOOLS})")
    parser.add_argument("--seed", type=int, default=0, help="corpus generator seed (default 0)")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if not (sitegen.SHARED / "corpus" / "articles.jsonl").is_file():
        print(f"skipped: no corpus at {sitegen.SHARED / 'corpus'} (it lives in shared/, beside the repository)")
        return 0
    if not GNU_TIME.exists():
        print("needs GNU time for peak RSS: apt-get install -y time")
        return 1

    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    state_at_start = generator_state()
    command = shlex.join([sys.executable, *sys.argv])
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="bench-build-"))
    work.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {message}", flush=True)

    env = argos_environment(work / "argos")
    hugo = shutil.which("hugo")
    pelican = None if args.skip_peers else pelican_executable(args.tools, log)
    material = sitegen.load_material()
    rows: list[Row] = []
    translations: list[TranslationBuild] = []
    memory_so_far: Path | None = None
    profile: list[str] = []
    try:
        for size in sizes:
            log(f"generating {size:,} articles")
            corpus = sitegen.CorpusGenerator(material, args.seed)
            articles = corpus.corpus(size)
            last = max(a.date for a in articles)
            follow_ups = [corpus.article(last + dt.timedelta(days=k), editor_translation=True)
                          for k in range(1, 2 * args.repeats + 1)]  # for the add-one builds, then for serve
            base = work / f"n{size}"
            shutil.rmtree(base, ignore_errors=True)
            ours = Ours.create(base / "ours", articles, env)
            if memory_so_far is None:
                install_tiny_model(work, env, ours.site)
            else:  # segments shared with the smaller site need no second translation
                shutil.copytree(memory_so_far, ours.site / "translation-memory")
            log(f"translation build ({size:,} articles, tiny model)")
            run = timed(ours.command(), cwd=REPO, env=env, timeout=args.timeout * TRANSLATION_BUILD_TIMEOUT_FACTOR)
            memory_so_far = ours.site / "translation-memory"
            entries = sum(1 for part in memory_so_far.glob("*.jsonl") for _ in open(part, "rb"))
            translations.append(TranslationBuild(size, run, entries))
            log(translations[-1].describe())
            if run.ok:
                rows.append(measure(ours, size, follow_ups, args, log))
                if not rows[-1].problem:
                    rows[-1].serve_add_one, rows[-1].serve_rebuilt, problem = measure_serve(
                        ours, follow_ups[args.repeats:], args, log)
                    rows[-1].problem = problem
            else:  # a half-filled memory would make (a) measure translation
                problem = "translation build " + ("timeout" if run.timed_out else f"exit {run.returncode}")
                rows.append(Row(size, Ours.name, problem=problem + "; not measured"))
            if args.profile and size == sizes[0] and run.ok:
                log("profiling one clean build")
                profile = profile_build(ours.site, env, work, args.timeout)
            if pelican is not None:
                rows.append(measure(Pelican.create(base / "pelican", articles, os.environ.copy(), pelican),
                                    size, follow_ups, args, log))
            if hugo and not args.skip_peers:
                rows.append(measure(Hugo.create(base / "hugo", articles, os.environ.copy(), Path(hugo)),
                                    size, follow_ups, args, log))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    report = [f"# Build benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}", "", "Command: `" + command + "`", ""]
    report += ["Machine: " + "; ".join(machine_description()), ""]
    state_at_end = generator_state()
    report += [f"Generator: git {state_at_start}" + ("" if state_at_end == state_at_start else
               f"; CHANGED during the run, now {state_at_end}: figures mix two versions"), ""]
    report += [f"Load average (1 min) at start {load_at_start:.2f}, at end {os.getloadavg()[0]:.2f}: other sessions "
               "share this machine, so wall times carry their noise; CPU seconds (in brackets) much less.", ""]
    report += ["Tools: " + "; ".join([f"Pelican {tool_version([str(pelican), '--version']) if pelican else 'not run'}",
                                      tool_version([hugo, "version"]) if hugo and not args.skip_peers else "Hugo not run",
                                      "Nikola and Jekyll not run"]), ""]
    report += ["Ours builds Arabic and English pages (the tiny ar→en model installed, the translation memory "
               "pre-filled); Pelican and Hugo build the Arabic pages only. Hugo's rebuilds are full builds. "
               "Times are medians of wall-clock seconds, median CPU seconds (user + system of the process and its "
               "children) in brackets; ratios likewise (wall, then CPU). Peak RSS is the maximum over all runs. "
               "'files written by add-one': what our build reports writing; the peers rewrite every file. "
               "'add-one under serve': `python -m generator serve` running, an article saved, seconds until the "
               "server answers its page (a draft of it when the last build took over a second; the watcher's polling and debounce included) and "
               "until serve has rebuilt the whole site (medians).", ""]
    report += results_table(rows) + [""] + ratio_table(rows) + [""]
    report += ["Search index and the rest of the full build (issue 20's decision (a)):", ""] + search_table(rows) + [""]
    report += ["Growth of the add-one rebuild with the archive:", ""] + (growth_lines(rows) or ["- (one size only)"])
    report += [""]
    report += ["Translation builds (fill the memory; not measurement (a)):"]
    report += ["- " + t.describe() for t in translations] + [""]
    report += ["Every run (seconds):"] + raw_runs(rows) + [""]
    if profile:
        report += [f"cProfile of one clean full build at the smallest size (top {PROFILE_TOP} by cumulative time, "
                   f"then top {PROFILE_TOP_OWN} by own time):", "```"]
        report += profile + ["```", ""]
    report.append(f"Total benchmark time: {time.perf_counter() - started:.0f} s.")
    text = "\n".join(report) + "\n"
    print("\n" + text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    destination = RESULTS / f"build-{dt.datetime.now():%Y-%m-%d-%H%M}.md"
    destination.write_text(text, encoding="utf-8")
    print(f"written to {destination}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
