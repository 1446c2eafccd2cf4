"""Nothing lost: kill -9 at random moments of builds, two builds at once, a full disk, an unwritable output.

The kill test runs the real CLI in a subprocess with a (tiny, real) translation model, so kills land
in every stage: start-up, loading, translation with its memory appends, rendering, staging and the
swap. After every kill, output/ must be byte for byte one of two complete sites — the one before the
build or the one the build was making — and the translation memory must load.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, copy_sample_site
from test_hostile import argos_home_with

import generator.write
from generator.pipeline import BuildOptions, build
from generator.structure import BuildFailed
from generator.translate.memory import TranslationMemory
from generator.translate.memory_files import part_files

SEED = 20240308
KILLS = 30
TIME_LIMIT = 90  # seconds, a safety net: about 30 s on an idle two-core machine, 55 s on a busy one
KEPT = ("2023-03-17-xi-to-visit-moscow",)
SHELVED = "2023-05-19-mishustin-to-visit-beijing.md"  # moved out and back to alternate two versions of the site


def tree(root: Path) -> dict[str, str] | None:
    """Every file under root with its sha256, or None when root does not exist."""
    if not root.is_dir():
        return None
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def sources(site: Path) -> dict[str, str]:
    """What a build must never change: site.yaml, content/, templates/, static/."""
    files = [site / "site.yaml", *(p for d in ("content", "templates", "static") for p in (site / d).rglob("*"))]
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(files) if p.is_file()}


def memory_lines(folder: Path) -> tuple[dict[str, str], int]:
    """Stored translations by segment key, and how many lines are damaged."""
    stored, damaged = {}, 0
    for raw in b"\n".join(part.read_bytes() for part in part_files(folder)).split(b"\n"):
        if raw.strip():
            try:
                record = json.loads(raw)
                stored[record["k"]] = record["t"]
            except (ValueError, KeyError):
                damaged += 1
    return stored, damaged


def _differences(found: dict[str, str] | None, wanted: dict[str, str]) -> list[str]:
    if found is None:
        return ["output/ is missing"]
    return sorted(name for name in found.keys() | wanted.keys() if found.get(name) != wanted.get(name))[:8]


class CrashSite:
    """Two sample articles, machine-translated, in two versions of the site (with and without one of them)."""

    def __init__(self, root: Path, env: dict[str, str]):
        self.site = copy_sample_site(root / "site")
        self.shelf = root / "shelf"
        self.shelf.mkdir()
        self.env = env
        for path in (self.site / "content" / "articles").iterdir():
            if path.name.endswith(".en.md") or (path.stem not in KEPT and path.name != SHELVED):
                path.unlink()
        config = (self.site / "site.yaml").read_text(encoding="utf-8")
        (self.site / "site.yaml").write_text(config.replace("batch_size: 32", "batch_size: 2"), encoding="utf-8")
        self.memory = self.site / "translation-memory"
        self.output = self.site / "output"
        self.version = "full"

    def switch(self) -> str:
        """Move the shelved article in or out, so the next build changes the output."""
        articles = self.site / "content" / "articles"
        if self.version == "full":
            (articles / SHELVED).rename(self.shelf / SHELVED)
            self.version = "short"
        else:
            (self.shelf / SHELVED).rename(articles / SHELVED)
            self.version = "full"
        return self.version

    def start_build(self, *extra: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(self.site), *extra],
                                cwd=REPO, env={**os.environ, **self.env}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def timed_build(self) -> float:
        started = time.monotonic()
        process = self.start_build()
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, out + err
        return time.monotonic() - started


@pytest.fixture(scope="module")
def crash_site(tmp_path_factory, tiny_model) -> CrashSite:
    root = tmp_path_factory.mktemp("crash")
    return CrashSite(root, argos_home_with(tiny_model, root / "argos"))


def test_kill_9_at_random_moments_leaves_a_complete_site_and_a_loadable_memory(crash_site):
    site = crash_site
    untouched = {"full": sources(site.site)}
    # Reference builds, timed: the full site from an empty memory (everything translated), then the short one.
    cold = site.timed_build()
    expected = {"full": tree(site.output)}
    full_memory, damaged = memory_lines(site.memory)
    assert damaged == 0 and len(full_memory) > 40
    memory_bytes = {part.name: part.read_bytes() for part in part_files(site.memory)}
    site.switch()
    warm = site.timed_build()
    expected["short"], untouched["short"] = tree(site.output), sources(site.site)
    assert expected["short"] != expected["full"] and set(expected["short"]) != set(expected["full"])
    durations = {"empty": cold, "half": cold, "full": warm}

    rng = random.Random(SEED)
    shown, outcomes, started = "short", Counter(), time.monotonic()
    while outcomes["killed"] < KILLS and time.monotonic() - started < TIME_LIMIT:
        version = site.switch()
        memory_state = rng.choice(("empty", "half", "full"))
        shutil.rmtree(site.memory, ignore_errors=True)
        if memory_state != "empty":  # "half" ends each file in a line cut short, as an earlier kill leaves it
            site.memory.mkdir()
            for name, data in memory_bytes.items():
                (site.memory / name).write_bytes(data if memory_state == "full" else data[:len(data) // 2])
        process = site.start_build()
        try:
            _, errors = process.communicate(timeout=rng.uniform(0, durations[memory_state]))
            assert process.returncode == 0, errors
            outcomes["finished"] += 1
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            outcomes["killed"] += 1

        now = tree(site.output)
        assert now in (expected[shown], expected[version]), (
            f"run {outcomes['finished'] + outcomes['killed']} ({memory_state} memory, {version} site): "
            f"output/ is neither site; "
            f"differs from the previous one in {_differences(now, expected[shown])}, "
            f"from the new one in {_differences(now, expected[version])}")
        if now == expected[version] and version != shown:
            outcomes["new site in place"] += 1
        shown = version if now == expected[version] else shown
        stored, damaged = memory_lines(site.memory)
        assert damaged <= (2 * len(memory_bytes) if memory_state == "half" else len(memory_bytes))
        assert all(full_memory[key] == text for key, text in stored.items()), "a stored translation is wrong"
        assert len(TranslationMemory(site.memory)) == len(stored)
        assert sources(site.site) == untouched[version], "the build changed the site's own files"

    print(f"\nkill -9 test: {dict(outcomes)} in {time.monotonic() - started:.0f} s "
          f"(cold build {cold:.1f} s, warm {warm:.1f} s)")
    assert outcomes["killed"] >= KILLS, f"only {dict(outcomes)} within {TIME_LIMIT} s"
    site.timed_build()  # a build after all those kills finishes and cleans up
    assert tree(site.output) == expected[site.version]
    leftovers = [p.name for p in site.site.glob(".output.*")]
    assert leftovers in ([], [".output.spare"]), "only the spare (the previous site, for the next build) is kept"


def test_two_builds_at_once_wait_for_each_other_and_both_succeed(crash_site):
    site = crash_site
    site.timed_build()
    expected = tree(site.output)
    lock_path = site.site / ".cache" / "build.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a third "build" holds the lock, so the two must overlap
        builds = [site.start_build("--force") for _ in range(2)]  # --force: nothing changed since the last build
        for process in builds:  # each says it waits, then blocks
            assert any("waiting for another build" in line for line in process.stderr), "no lock?"
        assert all(process.poll() is None for process in builds)
        fcntl.flock(lock, fcntl.LOCK_UN)
    for process in builds:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, out + err
    assert tree(site.output) == expected
    assert TranslationMemory(site.memory).skipped_lines == 0


# --- a full disk, an unwritable or odd output: a clear error, the previous output kept ----------------

@pytest.fixture
def small_site(tmp_path) -> Path:
    site = copy_sample_site(tmp_path / "site")
    for path in sorted((site / "content" / "articles").glob("*"))[2:]:
        path.unlink()  # one article and its editor translation: a fast build
    return site


def retitle(site: Path) -> None:
    """A change that rewrites every page."""
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("China–Russia Briefing", "Another Title"),
                      encoding="utf-8")


def test_disk_full_while_staging_keeps_the_previous_output(small_site, monkeypatch, tmp_path):
    build(BuildOptions(site_dir=small_site))
    before = tree(small_site / "output")
    retitle(small_site)
    real_write = generator.write._link_or_write
    calls = Counter()

    def fills_up(source, target: str, data: bytes) -> None:  # the writer's one way to put bytes into a file
        calls["write"] += 1
        if calls["write"] > 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), target)
        real_write(source, target, data)

    monkeypatch.setattr(generator.write, "_link_or_write", fills_up)
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(site_dir=small_site))
    (problem,) = failure.value.diagnostics
    assert "No space left on device" in problem.message and "previous output" in problem.hint
    assert tree(small_site / "output") == before
    monkeypatch.undo()
    assert build(BuildOptions(site_dir=small_site)).pages_written > 10
    build(BuildOptions(site_dir=small_site, output=tmp_path / "clean"))
    assert tree(small_site / "output") == tree(tmp_path / "clean"), "the half-updated spare was set right"


def _can_mount_tmpfs() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs root and mount namespaces for a small tmpfs")
def test_really_full_disk_keeps_the_previous_output(small_site, tmp_path):
    """output/ on a small tmpfs, filled up after the first build: the second, different build cannot fit."""
    reference = tmp_path / "reference"
    build(BuildOptions(site_dir=small_site, output=reference))
    other = copy_sample_site(tmp_path / "other")
    shutil.rmtree(other / "content")
    shutil.copytree(small_site / "content", other / "content")
    retitle(other)
    mount = tmp_path / "disk"
    mount.mkdir()
    script = textwrap.dedent(f"""
        set -u
        mount -t tmpfs -o size=8m tmpfs {mount}
        {sys.executable} -m generator build --site {small_site} --output {mount}/out >/dev/null || exit 10
        cat /dev/zero > {mount}/filler 2>/dev/null
        truncate -s -32k {mount}/filler
        {sys.executable} -m generator build --site {other} --output {mount}/out 2>&1
        echo "exit=$?"
        {sys.executable} -c "import sys, hashlib, pathlib, json; r = pathlib.Path(sys.argv[1]); \\
print(json.dumps({{p.relative_to(r).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() \\
for p in sorted(r.rglob('*')) if p.is_file()}})); print(sorted(x.name for x in r.parent.iterdir()))" {mount}/out
    """)
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    lines = result.stdout.strip().splitlines()
    assert "exit=1" in lines, result.stdout + result.stderr
    assert "No space left on device" in result.stdout and "Traceback" not in result.stdout
    assert json.loads(lines[-2]) == tree(reference), "the previous output is intact"
    assert lines[-1] in ("['filler', 'out']", "['.out.spare', 'filler', 'out']"), "nothing else was left"


@contextlib.contextmanager
def read_only(folder: Path):
    """Make a folder unwritable even for root (chattr +i), or by permissions for other users."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not available here")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


def test_unwritable_output_folder_is_a_clear_error(small_site, tmp_path):
    public = tmp_path / "public"
    public.mkdir()
    options = BuildOptions(site_dir=small_site, output=public / "site")
    build(options)
    before = tree(public / "site")
    retitle(small_site)
    with read_only(public), pytest.raises(BuildFailed) as failure:
        build(options)
    (problem,) = failure.value.diagnostics
    assert problem.message.startswith("cannot write the site") and "previous output was left" in problem.hint
    assert tree(public / "site") == before


def test_output_path_that_is_a_file_or_under_a_file(small_site, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me", encoding="utf-8")
    for output in (blocker, blocker / "site"):
        with pytest.raises(BuildFailed) as failure:
            build(BuildOptions(site_dir=small_site, output=output))
        assert failure.value.diagnostics[0].hint
    assert blocker.read_text(encoding="utf-8") == "keep me"


def test_a_build_killed_after_the_swap_is_not_taken_for_up_to_date(small_site, tmp_path, monkeypatch):
    from generator import pipeline
    from generator.cli import main

    articles = small_site / "content" / "articles"
    for path in sorted(copy_sample_site(tmp_path / "sample").joinpath("content", "articles").iterdir())[2:4]:
        shutil.copy2(path, articles / path.name)  # a second article (and its translation) to move in and out
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    second = sorted(articles.iterdir())[2:]

    def shelve(out: bool) -> None:
        for path in second:  # renames keep modification times, so the inputs' fingerprint returns exactly
            (path if out else shelf / path.name).rename(shelf / path.name if out else path)

    shelve(True)
    assert main(["build", "--site", str(small_site)]) == 0
    short = tree(small_site / "output")
    shelve(False)
    monkeypatch.setattr(pipeline, "record", lambda *args, **kwargs: (_ for _ in ()).throw(KeyboardInterrupt))
    assert main(["build", "--site", str(small_site)]) == 130  # "killed" just after the swap
    monkeypatch.undo()
    shelve(True)
    assert main(["build", "--site", str(small_site)]) == 0
    assert tree(small_site / "output") == short


def test_a_published_file_changed_behind_the_builds_back_is_rewritten(small_site):
    """Unchanged pages are hard-linked from output/, but only after checking their bytes, not just the manifest."""
    build(BuildOptions(site_dir=small_site))
    good = tree(small_site / "output")
    page = small_site / "output" / "ar" / "index.html"
    page.unlink()
    page.write_bytes(b"<p>stale</p>")  # what a manifest ahead of output/ (a kill before the swap) looks like
    build(BuildOptions(site_dir=small_site))
    assert tree(small_site / "output") == good


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize(("template", "line", "mistake", "message"), [
    ("article.html", 5, "{{ view.no_such_name }}", "has no attribute 'no_such_name'"),  # found while rendering
    ("partials/cards.html", 3, "{% if %}", "Expected an expression"),  # found while compiling
])
def test_a_template_error_names_the_template_and_line_and_keeps_the_output(small_site, monkeypatch, jobs,
                                                                             template, line, mistake, message):
    from generator import runtime

    monkeypatch.setattr(runtime, "MIN_ITEMS", 1)  # two jobs: the error is raised in a worker process
    options = BuildOptions(site_dir=small_site, jobs=jobs)
    build(options)
    before = tree(small_site / "output")
    path = small_site / "templates" / template
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines[:line - 1], mistake, *lines[line - 1:]]) + "\n", encoding="utf-8")
    retitle(small_site)
    with pytest.raises(BuildFailed) as failure:
        build(options)
    (problem,) = failure.value.diagnostics
    assert (problem.path, problem.line) == (f"templates/{template}", line)
    assert message in problem.message and problem.hint
    assert tree(small_site / "output") == before
