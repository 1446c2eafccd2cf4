"""Translating an archive ahead of builds (issue 23): segments/s of three paths on one model and text.

  (a) the build's Engine, in this process: `translate_in_chunks` over the segments, as the build does;
  (b) `python -m generator translate` on this machine (a fresh memory);
  (c) `python -m generator translate --cluster local` (Ray on this machine, 2 CPUs; a fresh memory).

The model is bench/translate.py's transformer-base-sized one (random weights, every hypothesis
--output-tokens long), installed into a private Argos home; the site holds the sentences as
articles of 13 segments (a title and 12 sentences) with no glossary, so segments are sentences.
(b) and (c) are timed twice: the whole command (start-up, loading the articles, loading the model,
Ray's start) and the translating the command reports. Then a paper projection for 10^6 articles.

Run: PYTHONPATH=. .venv/bin/python bench/translate.py --archive [--sentences N] [--output-tokens N]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from translate import article_paragraphs, build_model, corpus_paragraphs

from generator.config import TranslationSettings
from generator.sentences import split_sentences
from generator.translate import CHUNK_BATCHES
from generator.translate.engine import Engine

REPO = Path(__file__).resolve().parent.parent
SEGMENTS_PER_ARTICLE = 13
REPORTED = re.compile(r"Translated (\d+) segment\(s\), (\d+) from memory, (\d+) failed, in ([\d.]+) s")

# The paper projection's assumptions (bench/README.md says where they come from).
ARCHIVE_ARTICLES = 10 ** 6
CHARACTERS_PER_SEGMENT = 144
TARGET_TOKENS_PER_SEGMENT = 36  # ~4 characters a SentencePiece token in English news text
BYTES_PER_MEMORY_LINE = 600
CPU_TOKENS_PER_SECOND = 860  # CTranslate2's published int8 figure, 4 CPU cores
GPU_TOKENS_PER_SECOND = 8_500  # CTranslate2's published int8 figure, one A10G
PART_LIMIT = 45_000_000


def unique_sentences(count: int) -> list[str]:
    seen: dict[str, None] = {}
    for paragraph in article_paragraphs() + corpus_paragraphs():
        for sentence in split_sentences(paragraph):
            seen.setdefault(sentence, None)
            if len(seen) == count:
                return list(seen)
    return list(seen)


def write_site(folder: Path, sentences: list[str]) -> Path:
    """A copy of the sample site's config, templates and static files, holding only these sentences."""
    folder.mkdir(parents=True)
    for name in ("templates", "static"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy2(REPO / "site.yaml", folder / "site.yaml")
    articles = folder / "content" / "articles"
    articles.mkdir(parents=True)
    for number, start in enumerate(range(0, len(sentences), SEGMENTS_PER_ARTICLE)):
        title, *body = sentences[start:start + SEGMENTS_PER_ARTICLE]
        text = "\n\n".join(body) or title
        (articles / f"2024-01-01-archive-{number:05d}.md").write_text(
            f"---\ntitle: \"{title.replace(chr(34), '')}\"\ndate: 2024-01-01\n---\n{text}\n", encoding="utf-8")
    return folder


def run_command(site: Path, env: dict, *extra: str) -> tuple[float, int, float]:
    """Wall seconds of the whole command, segments it translated, seconds it reports translating."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "generator", "translate", "--site", str(site), *extra], cwd=REPO,
                            env=env, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - started
    match = REPORTED.search(result.stdout)
    if result.returncode != 0 or not match:
        raise SystemExit(f"translate {' '.join(extra)} failed:\n{result.stdout}\n{result.stderr}")
    return wall, int(match[1]), float(match[4])


def stored_sources(site: Path) -> list[str]:
    return sorted(json.loads(line)["s"] for part in sorted((site / "translation-memory").glob("*.jsonl"))
                  for line in part.read_text(encoding="utf-8").splitlines())


def projection() -> None:
    segments = ARCHIVE_ARTICLES * SEGMENTS_PER_ARTICLE
    tokens = segments * TARGET_TOKENS_PER_SEGMENT
    memory = segments * BYTES_PER_MEMORY_LINE
    parts = -(-memory // PART_LIMIT) + 16  # whole parts, plus at most one part filling per shard
    print(f"\nprojection: {ARCHIVE_ARTICLES:,} articles x {SEGMENTS_PER_ARTICLE} = {segments:,} segments "
          f"(~{CHARACTERS_PER_SEGMENT} characters, ~{TARGET_TOKENS_PER_SEGMENT} target tokens each: "
          f"{tokens / 1e6:,.0f} M tokens)")
    for label, rate in (("4-core CPU machine(s)", CPU_TOKENS_PER_SECOND), ("A10G GPU(s)", GPU_TOKENS_PER_SECOND)):
        hours = tokens / rate / 3600
        print(f"  {label} at {rate:,} tok/s: " + ", ".join(f"{n} -> {hours / n:,.1f} h" for n in (1, 8, 32)))
    print(f"  memory: {memory / 1e9:.1f} GB in ~{parts} parts of <= {PART_LIMIT / 1e6:.0f} MB "
          f"(16 shards of ~{memory / 16 / 1e6:,.0f} MB)")


def main(sentence_count: int, output_tokens: int) -> None:
    sentences = unique_sentences(sentence_count)
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-archive-{os.getpid()}"
    work.mkdir(parents=True)
    try:
        model = build_model(work, article_paragraphs() + corpus_paragraphs(), output_tokens)
        home = work / "argos"
        env = {**os.environ, "ARGOS_PACKAGES_DIR": str(home / "packages"), "XDG_DATA_HOME": str(home / "data"),
               "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config"),
               "PYTHONPATH": str(REPO)}
        subprocess.run([sys.executable, "-m", "generator", "models", "install", "--from-file",
                        str(work / "bench.argosmodel")], cwd=REPO, env=env, check=True, capture_output=True)
        local, on_ray = write_site(work / "local", sentences), write_site(work / "ray", sentences)
        print(f"input: {len(sentences)} unique sentences in {len(list((local / 'content/articles').iterdir()))} "
              f"articles; every hypothesis {output_tokens} tokens; load average {os.getloadavg()[0]:.2f}")

        wall_b, segments_b, reported_b = run_command(local, env)
        segments = stored_sources(local)
        settings = TranslationSettings()
        engine = Engine(model, settings)
        started = time.perf_counter()
        for _ in engine.translate_in_chunks(segments, settings.batch_size * CHUNK_BATCHES):
            pass
        engine_seconds = time.perf_counter() - started
        wall_c, segments_c, reported_c = run_command(on_ray, env, "--cluster", "local")
        assert stored_sources(on_ray) == segments, "both runs translate the same segments"

        print(f"{'path':<44} {'segments':>8} {'s (whole)':>10} {'seg/s':>7} {'s (translating)':>16} {'seg/s':>7}")
        print(f"{'(a) build Engine, in process':<44} {len(segments):>8} {'':>10} {'':>7} {engine_seconds:>16.1f} "
              f"{len(segments) / engine_seconds:>7.1f}")
        for label, wall, count, reported in (("(b) generator translate", wall_b, segments_b, reported_b),
                                             ("(c) generator translate --cluster local", wall_c, segments_c,
                                              reported_c)):
            print(f"{label:<44} {count:>8} {wall:>10.1f} {count / wall:>7.1f} {reported:>16.1f} "
                  f"{count / reported:>7.1f}")
        print(f"(c)/(b) segments/s: whole {wall_b / wall_c:.2f}, translating {reported_b / reported_c:.2f}; "
              f"load average {os.getloadavg()[0]:.2f} at the end")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    projection()
