"""Site search: a Pagefind index of the article pages, one index per language.

Arabic queries must match whatever hamza and alef forms, diacritics or digits they are typed with.
Pagefind 1.5's Arabic stemmer folds much of that by itself, but the site does not depend on it: the
index holds text folded by `generator.arabic.normalize` (the folding themes and duplicates use), and
the search page folds each query with `fold_table()` — the same function, character by character —
so both sides agree whatever Pagefind's stemmer does. Records come from the render stage: the
title, date, summary and text each article page shows (generator.render.search_record).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from functools import lru_cache
from html import escape
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Mapping

from .arabic import normalize
from .config import SiteConfig
from .structure import BuildFailed, Diagnostic, Page, SearchRecord

OUTPUT_FOLDER = "pagefind"
# Pagefind's ready-made interfaces; the site has its own small search page, so they are not published.
PAGEFIND_TIMEOUT = 600  # seconds; a 10,000-article site indexes in well under a minute
_UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
)
_PROBE_SEPARATOR = "|"
RECORD_PAGES = "pagefind-records"  # the pages Pagefind reads, kept between builds and updated file by file
TRASH = "trash"  # old indexes, removed while the build goes on


def search_files(records: list[SearchRecord], config: SiteConfig, reusable: Mapping[str, str]) -> list[Page]:
    """The Pagefind files for `records` (one per article page and language), as Pages under pagefind/.

    An index is kept in config.cache_dir under the digest of its records, so a build whose articles
    did not change neither starts Pagefind nor reads its files again (output/ already holds them).
    """
    digest = _records_digest(records)
    folder = config.cache_dir / OUTPUT_FOLDER / digest
    if not folder.is_dir():
        _build_index(records, folder, config.cache_dir / RECORD_PAGES)
    _remove_other_indexes(folder, config.cache_dir / TRASH)
    pages = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            target = PurePosixPath(OUTPUT_FOLDER, *path.relative_to(folder).parts)
            key = f"{digest}:{target}"
            pages.append(Page(target, None if reusable.get(target.as_posix()) == key else path.read_bytes(), key))
    return pages


@lru_cache(maxsize=1)
def fold_table() -> dict[str, str]:
    """Every character that `normalize` changes other than by lower-casing, and what it becomes.

    Derived from `normalize` itself, so the query folding on the search page cannot drift from the
    index: the page replaces each character found here, lower-cases the rest and collapses spaces.
    """
    characters = [chr(code) for code in range(0x80, 0x10000)
                  if not 0xD800 <= code < 0xE000 and not chr(code).isspace()]
    folded = normalize(_PROBE_SEPARATOR.join(characters)).split(_PROBE_SEPARATOR)
    return {char: result for char, result in zip(characters, folded, strict=True) if result != char.lower()}


def _records_digest(records: list[SearchRecord]) -> str:
    payload = json.dumps([asdict(r) for r in records], ensure_ascii=False, sort_keys=True)
    versions = f"{metadata.version('pagefind')}|{_installed('pagefind_bin')}"
    return hashlib.sha256(f"{versions}\n{payload}".encode()).hexdigest()[:24]


def _installed(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


def _build_index(records: list[SearchRecord], folder: Path, sources: Path) -> None:
    """Run Pagefind once over the records and move its files into place in one rename."""
    staging = folder.with_name(f".{folder.name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        _write_index(records, sources, staging)
        for name in _UNUSED_BUNDLE_FILES:
            (staging / name).unlink(missing_ok=True)
        _sort_entry_file(staging / "pagefind-entry.json")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.rename(staging, folder)


def _sort_entry_file(path: Path) -> None:
    """Pagefind lists the languages in hash-map order, which changes from run to run; sort them so
    the same records always give the same bytes."""
    entry = json.loads(path.read_text(encoding="utf-8"))
    entry["languages"] = dict(sorted(entry.get("languages", {}).items()))
    path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _write_index(records: list[SearchRecord], sources: Path, output: Path) -> None:
    """Index the records as small generated pages with one run of the Pagefind program, waiting for it
    to exit (its Python service is stopped as soon as it acknowledges, which can cut files short)."""
    update_record_pages(records, sources)
    try:
        run = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(sources), "--output-path", str(output)],
                             capture_output=True, text=True, timeout=PAGEFIND_TIMEOUT)
    except subprocess.TimeoutExpired:
        run = None
    if run is None or run.returncode != 0 or not _complete(output):
        detail = "timed out" if run is None else (run.stderr or run.stdout).strip()[-400:]
        missing = run is not None and "executable" in detail.lower()
        raise BuildFailed([Diagnostic("error", "pagefind", f"building the search index failed: {detail}",
                                      hint="install it with: pip install 'pagefind[bin]'" if missing else
                                      "run the build again; if it keeps failing, check free disk space")])


def update_record_pages(records: list[SearchRecord], folder: Path) -> None:
    """Make `folder` hold one page per record and nothing else, writing only the pages that changed.

    Its list of files and digests is dropped while it changes, so after a kill it is made anew."""
    listing = folder.with_name(folder.name + ".json")
    try:
        known = json.loads(listing.read_text(encoding="utf-8"))
        listing.unlink()
    except (OSError, ValueError):
        known = None
    if not isinstance(known, dict):
        shutil.rmtree(folder, ignore_errors=True)
        known = {}
    wanted = {}
    for record in records:
        name = f"{record.url}index.html"
        page = _record_page(record).encode("utf-8")
        wanted[name] = hashlib.sha256(page).hexdigest()
        if known.get(name) != wanted[name]:
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(page)
    for name in set(known) - set(wanted):
        (folder / name).unlink(missing_ok=True)
    listing.write_text(json.dumps(wanted, sort_keys=True), encoding="utf-8")


def _complete(output: Path) -> bool:
    """Pagefind's files are all there and none is empty (the entry file parses)."""
    try:
        json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return all(path.stat().st_size > 0 for path in output.rglob("*") if path.is_file())


def _record_page(record: SearchRecord) -> str:
    """A page holding only what the index needs: the normalised text to search (the headline as <h1>,
    which Pagefind weighs higher), and the title, dates and summary as written, kept as metadata."""
    meta = "".join(f'<span data-pagefind-meta="{name}">{escape(value)}</span>'
                   for name, value in (("title", record.title), ("date", record.date),
                                       ("datetime", record.datetime), ("summary", record.summary)) if value)
    folded_title = normalize(record.title)
    return (f'<!DOCTYPE html><html lang="{escape(record.language)}"><head><meta charset="utf-8"><title></title>'
            f'</head><body data-pagefind-body><div data-pagefind-ignore>{meta}</div>'
            f"<h1>{escape(folded_title)}</h1><p>{escape(record.content)}</p></body></html>")


def _remove_other_indexes(keep: Path, trash: Path) -> None:
    """Move older indexes aside at once and delete them in a background thread (tens of thousands of
    small files at 10,000 articles); the process waits for it before exiting."""
    old = [other for other in keep.parent.iterdir() if other != keep and other.is_dir()]
    if not old:
        return
    trash.mkdir(parents=True, exist_ok=True)
    for other in old:
        os.rename(other, trash / f"{other.name}.{os.getpid()}.{time.monotonic_ns()}")
    threading.Thread(target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True},
                     name="remove-old-search-index").start()
