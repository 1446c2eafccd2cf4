"""Site search: Pagefind indexes of the article pages, per language and per period, merged in the browser.

Arabic queries must match whatever hamza and alef forms, diacritics or digits they are typed with.
Pagefind 1.5's Arabic stemmer folds much of that by itself, but the site does not depend on it: the
index holds text folded by `generator.arabic.normalize` (the folding themes and duplicates use), and
the search page folds each query with `fold_table()` — the same function, character by character —
so both sides agree whatever Pagefind's stemmer does. Records come from the render stage: the
title, date, summary and text each article page shows (generator.render.search_record).

Each language's pages are indexed in shards: one per year, or one per month for the newest year
and for a year with more than SHARD_PAGES pages. A new or edited article re-indexes its shard
only (Pagefind has no incremental mode: one index of 20,000 pages takes ~27 s and 2 GB; a month
of a 10,000-article archive, ~0.5 s and 60 MB). `pagefind/<lang>/indexes.json` lists the shards
newest first; the search page loads the first with Pagefind's script and merges the others with
`mergeIndex`, so only the first shard carries Pagefind's script, worker and WebAssembly. Results
are ranked by each shard's own scores, which the browser merges.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Callable, Mapping

from .arabic import normalize
from .config import SiteConfig
from .files import files_below
from .structure import BuildFailed, Diagnostic, Page, SearchEntry, SearchRecord

OUTPUT_FOLDER = "pagefind"
INDEX_LIST = "indexes.json"  # per language: the shard folders, newest first
SHARD_PAGES = 500  # a year with more pages than this in one language is indexed month by month
UNDATED = "undated"  # the shard of articles without a date
PAGEFIND_TIMEOUT = 600  # seconds; a shard indexes in about a second
# Pagefind's ready-made interfaces; the site has its own small search page, so they are not published.
_UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
    "wasm.unknown.pagefind",  # for pages without a language; every record page has one
)
# What the browser loads from the first shard only: merged shards bring just their index.
_ENGINE_FILES = ("pagefind.js", "pagefind-worker.js")
_ENGINE_PREFIX = "wasm."
_PROBE_SEPARATOR = "|"
_HASHED_FOLDERS = ("fragment", "index", "filter")  # Pagefind's files named by a hash of what they hold
RECORD_PAGES = "pagefind-records"  # the pages Pagefind reads, per shard, kept and updated file by file
TRASH = "trash"  # old indexes, removed while the build goes on


@dataclass(frozen=True)
class SearchFiles:
    """The files of the search index under pagefind/: those to write, and those output/ already
    holds from the same index, by path (20,000 at 10,000 articles: as Pages they cost 0.15 s a build)."""

    pages: list[Page]
    kept: list[str]


def search_files(entries: list[SearchEntry], config: SiteConfig, reusable: Mapping[str, str],
                 record_of: Callable[[str, str], SearchRecord], workers: int = 1) -> SearchFiles:
    """The Pagefind files for the article pages `entries` describes, under pagefind/.

    Each shard's index is kept in config.cache_dir under a digest of its records' keys, so only shards
    whose articles changed start Pagefind (on up to `workers` at once); files output/ already holds
    from the same index are not read again. `record_of(lang, slug)` gives the record of a page that
    was not rendered again, when its shard must be indexed anew and has no record page for it.
    """
    shards = _shards(entries)
    folders = {shard: config.cache_dir / OUTPUT_FOLDER / f"{_shard_folder_name(shard)}.{_shard_digest(members)}"
               for shard, members in shards.items()}
    missing = [shard for shard, folder in folders.items() if not folder.is_dir()]
    sources = config.cache_dir / RECORD_PAGES
    _remove_stale_record_pages(sources, {_shard_folder_name(shard) for shard in shards})
    with ThreadPoolExecutor(max(1, workers)) as pool:
        list(pool.map(lambda shard: _build_index(shards[shard], folders[shard],
                                                 sources / _shard_folder_name(shard), record_of), missing))
    _remove_other_indexes(config.cache_dir / OUTPUT_FOLDER, set(folders.values()), config.cache_dir / TRASH)
    pages, kept = [], []
    for lang in sorted({lang for lang, _ in shards}):
        names = sorted((name for shard_lang, name in shards if shard_lang == lang),
                       key=lambda name: (name != UNDATED, name), reverse=True)
        listing = json.dumps([f"{name}/" for name in names]).encode()
        target = search_index_list(lang)
        key = hashlib.sha256(listing).hexdigest()[:24]
        if reusable.get(target.as_posix()) == key:
            kept.append(target.as_posix())
        else:
            pages.append(Page(target, listing, key))
        for name in names:
            folder = folders[(lang, name)]
            for relative in files_below(folder):
                if name == names[0] or not _is_engine_file(os.path.basename(relative)):
                    target = f"{OUTPUT_FOLDER}/{lang}/{name}/{relative}"
                    key = f"{folder.name}:{target}"
                    if reusable.get(target) == key:
                        kept.append(target)
                    else:
                        source = folder / relative
                        pages.append(Page(PurePosixPath(target), source.read_bytes(), key, source))
    return SearchFiles(pages, kept)


def search_index_list(lang: str) -> PurePosixPath:
    """Where the search page finds the shards of one language's index."""
    return PurePosixPath(OUTPUT_FOLDER, lang, INDEX_LIST)


def _shards(entries: list[SearchEntry]) -> dict[tuple[str, str], list[SearchEntry]]:
    """The pages of each shard, keyed by (language, year or month): a language's year is one shard
    unless it holds more than SHARD_PAGES pages or is its newest year, then each of its months is
    one. New articles mostly go to the newest year: adding one re-indexes a month, not a year."""
    years: dict[tuple[str, str], list[SearchEntry]] = defaultdict(list)
    for entry in entries:
        years[(entry.language, entry.datetime[:4] or UNDATED)].append(entry)
    newest = {}
    for lang, year in years:
        if year != UNDATED:
            newest[lang] = max(year, newest.get(lang, year))
    shards: dict[tuple[str, str], list[SearchEntry]] = defaultdict(list)
    for (lang, year), members in years.items():
        by_month = year != UNDATED and (len(members) > SHARD_PAGES or year == newest[lang])
        for entry in members:
            shards[(lang, entry.datetime[:7] if by_month else year)].append(entry)
    return shards


def _shard_folder_name(shard: tuple[str, str]) -> str:
    return "-".join(shard)


def _is_engine_file(name: str) -> bool:
    return name in _ENGINE_FILES or name.startswith(_ENGINE_PREFIX)


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


def _shard_digest(entries: list[SearchEntry]) -> str:
    """A digest of the shard's records by their keys (the same key, the same record) and of Pagefind's version."""
    pages = "\n".join(sorted(f"{entry.url} {entry.key}" for entry in entries))
    versions = f"{metadata.version('pagefind')}|{_installed('pagefind_bin')}"
    return hashlib.sha256(f"{versions}\n{pages}".encode()).hexdigest()[:24]


def _installed(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


def _build_index(entries: list[SearchEntry], folder: Path, sources: Path,
                 record_of: Callable[[str, str], SearchRecord]) -> None:
    """Run Pagefind once over the shard's pages and move its files into place in one rename. The
    staging folder starts with the shard's previous fragments and index chunks (`_seed`), which
    Pagefind then neither compresses nor writes again; those no longer used are pruned after."""
    staging = folder.with_name(f".{folder.name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        update_record_pages(entries, sources, record_of)
        _seed(staging, _previous_index(folder))
        _write_index(sources, staging)
        _prune(staging)
        for name in _UNUSED_BUNDLE_FILES:
            (staging / name).unlink(missing_ok=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.rename(staging, folder)


def _previous_index(folder: Path) -> Path | None:
    """The shard's index from an earlier build (`<shard>.<digest>`, another digest), if the cache still has it."""
    shard = folder.name.rpartition(".")[0]
    earlier = [other for other in folder.parent.glob(f"{shard}.*")
               if other != folder and other.is_dir() and other.name.rpartition(".")[0] == shard]
    return max(earlier, key=lambda other: other.stat().st_mtime_ns, default=None)


def _seed(staging: Path, previous: Path | None) -> None:
    """Link the previous index's fragments and index chunks (named by their content's hash) into the
    staging folder. Pagefind leaves a file it would write alone when it is already there: a month's
    shard with one page changed then costs that page, not the month (6,000 records: 6.2 s seeded,
    11.8-15.3 s fresh, bench/README.md). Its other files (entry, metadata, scripts) are written anew."""
    if previous is None:
        return
    for kind in _HASHED_FOLDERS:
        names = [path.name for path in (previous / kind).iterdir()] if (previous / kind).is_dir() else []
        if names:
            (staging / kind).mkdir()
        for name in names:
            os.link(previous / kind / name, staging / kind / name)


def _prune(output: Path) -> None:
    """Remove the fragments and index chunks the new index does not use: those seeded for pages that
    changed or went. The index's metadata (gzip) names every one it uses by its file's stem."""
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    used = b"".join(gzip.decompress((output / f"pagefind.{language['hash']}.pf_meta").read_bytes())
                    for language in entry["languages"].values())
    for kind in _HASHED_FOLDERS:
        for path in (output / kind).iterdir() if (output / kind).is_dir() else ():
            if path.stem.encode() not in used:
                path.unlink()


def _write_index(sources: Path, output: Path) -> None:
    """Index the record pages in `sources` with one run of the Pagefind program."""
    program = _pagefind_program()
    if program is None:
        raise BuildFailed([Diagnostic("error", "pagefind", "the Pagefind program is not installed",
                                      hint="install it with: pip install 'pagefind[bin]'")])
    try:
        run = subprocess.run([program, "--site", str(sources), "--output-path", str(output)],
                             capture_output=True, text=True, timeout=PAGEFIND_TIMEOUT)
    except subprocess.TimeoutExpired:
        run = None
    if run is None or run.returncode != 0 or not _complete(output):
        detail = "timed out" if run is None else (run.stderr or run.stdout).strip()[-400:]
        raise BuildFailed([Diagnostic("error", "pagefind", f"building the search index failed: {detail}",
                                      hint="run the build again; if it keeps failing, check free disk space")])


@lru_cache(maxsize=1)
def _pagefind_program() -> str | None:
    """The Pagefind binary the `pagefind[bin]` wheel ships (or PAGEFIND_BINARY_PATH), run directly:
    `python -m pagefind` would start a Python interpreter per shard just to exec it."""
    from pagefind.service import get_executable

    program = get_executable()
    return str(program) if program is not None and program.is_file() else None


def update_record_pages(entries: list[SearchEntry], folder: Path,
                        record_of: Callable[[str, str], SearchRecord]) -> None:
    """Make `folder` hold one record page per entry and nothing else, writing only the pages whose
    key changed (a page not rendered again has no record at hand: `record_of` makes it if needed).

    Its list of files and keys is dropped while it changes, so after a kill it is made anew."""
    listing = folder.with_name(folder.name + ".json")
    try:
        known = json.loads(listing.read_text(encoding="utf-8"))
        listing.unlink()
    except (OSError, ValueError):
        known = None
    if not isinstance(known, dict) or any("/" in name for name in known):  # unknown, or pages in folders
        shutil.rmtree(folder, ignore_errors=True)
        known = {}
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {}
    for entry in entries:
        name = record_page_name(entry)
        wanted[name] = entry.key
        if known.get(name) != entry.key:
            record = entry.record or record_of(entry.language, entry.slug)
            (folder / name).write_text(_record_page(record), encoding="utf-8")
    for name in set(known) - set(wanted):
        (folder / name).unlink(missing_ok=True)
    listing.write_text(json.dumps(wanted, sort_keys=True), encoding="utf-8")


def record_page_name(entry: SearchEntry) -> str:
    """A record page's file, side by side with the others of its shard: no folder per page (20,000
    fewer folders to make at 10,000 articles). Pagefind's own idea of its address is therefore not
    the article's; the search page links to the record's `href` instead."""
    return f"{entry.language}.{entry.slug}.html"


def _complete(output: Path) -> bool:
    """Pagefind's files are all there and none is empty (the entry file parses)."""
    try:
        json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return all(path.stat().st_size > 0 for path in output.rglob("*") if path.is_file())


def _record_page(record: SearchRecord) -> str:
    """A page holding only what the index needs: the normalised text to search (the headline as <h1>,
    which Pagefind weighs higher), and as metadata the title, dates and summary as written and the
    article's address relative to the search page (so it works under any base path)."""
    meta = "".join(f'<span data-pagefind-meta="{name}">{escape(value)}</span>'
                   for name, value in (("title", record.title), ("href", record.href), ("date", record.date),
                                       ("datetime", record.datetime), ("summary", record.summary)) if value)
    folded_title = normalize(record.title)
    return (f'<!DOCTYPE html><html lang="{escape(record.language)}"><head><meta charset="utf-8"><title></title>'
            f'</head><body data-pagefind-body><div data-pagefind-ignore>{meta}</div>'
            f"<h1>{escape(folded_title)}</h1><p>{escape(record.content)}</p></body></html>")


def _remove_stale_record_pages(sources: Path, wanted: set[str]) -> None:
    """Drop the record pages of shards that no longer exist (a year now indexed month by month)."""
    if not sources.is_dir():
        return
    for path in sources.iterdir():
        if path.name.removesuffix(".json") in wanted:
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _remove_other_indexes(folder: Path, keep: set[Path], trash: Path) -> None:
    """Move the indexes in `folder` other than `keep` aside at once and delete them in a background
    thread (tens of thousands of small files at 10,000 articles); the process waits for it before exiting."""
    old = [other for other in folder.iterdir() if other not in keep and other.is_dir()] if folder.is_dir() else []
    if not old:
        return
    trash.mkdir(parents=True, exist_ok=True)
    for other in old:
        os.rename(other, trash / f"{other.name}.{os.getpid()}.{time.monotonic_ns()}")
    threading.Thread(target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True},
                     name="remove-old-search-index").start()
