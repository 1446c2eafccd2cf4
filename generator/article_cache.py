"""Per-article results kept between builds, so an unchanged article is not read, cleaned, translated
or summarised again — in a rebuild or in the `serve` loop.

What grouping and theme matching made of them is kept by `incremental`, the owner of all that one
build hands the next.

Each article's whole results are one pickle under .cache/articles/<settings>/, named after its file
and its digest, and written by the worker that summarised it; the listing record of every article
(structure.ArticleRecord, with its file stamp and what reading it reported) is in one index beside
them. A rebuild reads the index, not the 10,000 pickles: only the pages that show an article's text
read its pickle (`CachedArticles`). <settings> digests all that the kept results depend on besides
the file itself: the generator's code, the cleaning rules,
the configured theme ids, the summary length, the translation settings, the installed model, the
glossary and what the translation memory gives that model (translate.memory.memory_generation: a
copy of the same file keeps the cache, an edited one does not). An article is
reused when its file (and its editor translation) have the size, modification time and inode they
had, or else when their bytes hash the same. Articles still waiting for a translation are never
kept: the next build may have a model for them. The index as read (`LoadedArticles`) is part of
the state a build hands the next (`incremental`), which `serve` holds in memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .config import SiteConfig
from .digests import code_digest
from .files import replace_file
from .runtime import paused_collection
from .state_log import LOG_SUFFIX, Part, read_part, update_part, write_part
from .structure import ArticleMeta, ArticleRecord, BuildFailed, Diagnostic, Removal, SummarizedArticle

FOLDER = "articles"
INDEX = "index.marshal"  # rel → CachedArticle as plain values, for every article the cache holds (`state_log`)


@dataclass(frozen=True)
class CachedArticle:
    stamp: tuple  # (size, mtime_ns, inode) of the article file and of its editor translation
    diagnostics: tuple[Diagnostic, ...]  # what reading the file reported
    record: ArticleRecord


@dataclass
class LoadedArticles:
    """The cache's index as one process has read it, for the cache folder of one set of settings."""

    folder: Path | None = None
    records: dict[str, CachedArticle] = field(default_factory=dict)
    on_disk: bool = False  # the index file holds `records` but those in `unsaved`, which are appended to it
    unsaved: set[str] = field(default_factory=set)  # rel of each record set or removed since it was read or written


class ArticleCache:
    """Load with `lookup`; keep a new result by `write` (in any process: the summarising workers
    write their own) and `remember` (in the building process); `finish` hands the index on, which
    `keep_articles` writes once the build succeeded. `loaded` is what this process read or kept in
    earlier builds (serve keeps it between them)."""

    def __init__(self, config: SiteConfig, translation_identity: str, loaded: LoadedArticles | None = None):
        self.folder = config.cache_dir / FOLDER / settings_digest(config, translation_identity)
        self._loaded = loaded if loaded is not None else LoadedArticles()
        if self._loaded.folder != self.folder:  # other settings, or not read yet
            self._loaded.folder = self.folder
            records = _read_index(self.folder / INDEX)
            self._loaded.records, self._loaded.on_disk, self._loaded.unsaved = records or {}, records is not None, set()
        self._present = _names(self.folder)  # a record whose pickle is gone is not reused
        self._seen: set[str] = set()

    def lookup(self, rel: str) -> CachedArticle | None:
        """What an earlier build kept for the file `rel` (the caller checks it still matches the file)."""
        self._seen.add(rel)
        cached = self._loaded.records.get(rel)
        if cached is None or _file_name(rel, cached.record.digest) not in self._present:
            return None
        return cached

    def write(self, article: SummarizedArticle) -> SummarizedArticle:
        """Write the article's results to their own file, unless it still waits for a translation. The
        summarising workers write what they made (10,000 pickles written by the building process alone
        kept both cores waiting for seconds)."""
        if article.translated.english is not None:
            replace_file(self.folder / _file_name(article.translated.clean.source.path, article.digest),
                         pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL))
        return article

    def remember(self, rel: str, stamp: tuple, diagnostics: list[Diagnostic], record: ArticleRecord) -> None:
        """Index what `write` wrote (in the building process), for the next build."""
        self._seen.add(rel)
        self._loaded.unsaved.add(rel)
        if record.english_title is not None:
            self._loaded.records[rel] = CachedArticle(stamp, tuple(diagnostics), record)
        else:
            self._loaded.records.pop(rel, None)

    def articles(self, pending: dict[str, SummarizedArticle]) -> CachedArticles:
        """Whole articles by slug: `pending` (those the cache does not keep) from memory, the rest read
        from their pickles when a page asks."""
        names = {cached.record.slug: _file_name(rel, cached.record.digest)
                 for rel, cached in self._loaded.records.items()}
        return CachedArticles(self.folder, names, pending)

    def finish(self) -> LoadedArticles:
        """The index as this build leaves it: without the files that are gone."""
        records = self._loaded.records
        for rel in records.keys() - self._seen:
            del records[rel]
            self._loaded.unsaved.add(rel)
        return self._loaded


def keep_articles(loaded: LoadedArticles) -> None:
    """Write what changed in the index (`state_log`); drop the results of files that are gone and of
    other settings."""
    folder = loaded.folder
    folder.mkdir(parents=True, exist_ok=True)
    records = loaded.records

    def whole() -> Part:
        return Part(None, {"records": {rel: _plain(cached) for rel, cached in records.items()}})

    if not loaded.on_disk or not (folder / INDEX).exists():  # never read, or removed since
        write_part(folder / INDEX, whole(), None)
    elif loaded.unsaved:
        changed = {rel: _plain(records[rel]) for rel in loaded.unsaved if rel in records}
        update_part(folder / INDEX, None, {"records": (changed, sorted(loaded.unsaved - changed.keys()))}, whole)
    loaded.on_disk, loaded.unsaved = True, set()
    wanted = {_file_name(rel, cached.record.digest) for rel, cached in records.items()} | {INDEX, INDEX + LOG_SUFFIX}
    for name in _names(folder) - wanted:
        os.unlink(folder / name)
    for other in folder.parent.iterdir():
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)


class CachedArticles:
    """Whole articles by slug (structure.Articles), read from their pickles when asked for; the last
    one read is kept, since an article's pages are rendered one after another."""

    def __init__(self, folder: Path, names: dict[str, str], pending: dict[str, SummarizedArticle]):
        self.folder, self._names, self._pending = folder, names, dict(pending)
        self._last: tuple[str, SummarizedArticle] | None = None

    def __getitem__(self, slug: str) -> SummarizedArticle:
        article = self._pending.get(slug)
        if article is None and self._last is not None and self._last[0] == slug:
            article = self._last[1]
        if article is None:
            path = self.folder / self._names[slug]
            try:
                with paused_collection():
                    article = pickle.loads(path.read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError) as exc:
                raise BuildFailed([Diagnostic("error", str(path), f"the cached article cannot be read: {exc}",
                                              hint="delete the site's .cache/articles/ folder and build again")]
                                  ) from None
            self._last = (slug, article)
        return article


def _file_name(rel: str, digest: str) -> str:
    """An article's pickle: a new version is a new file, so the index never names one it did not write."""
    return f"{hashlib.sha256(rel.encode()).hexdigest()[:32]}-{digest[:16]}.pickle"


def _names(folder: Path) -> set[str]:
    try:
        return {entry.name for entry in os.scandir(folder)}
    except OSError:
        return set()


def _read_index(path: Path) -> dict[str, CachedArticle] | None:
    """The index, or None when it is missing or unreadable (every article is then read again)."""
    part = read_part(path)
    try:
        return {rel: _cached(plain) for rel, plain in part.tables["records"].items()}
    except (AttributeError, KeyError, ValueError, TypeError):
        return None


def _plain(cached: CachedArticle) -> tuple:
    """A cached record as built-in values: marshal reads 10,000 of them in 0.2 s, pickle's dataclasses
    in 0.5 s (bench/build.py's add-one at 10,000 articles; the index is read and written each build)."""
    record, meta = cached.record, cached.record.meta
    return (cached.stamp, tuple((d.level, d.path, d.message, d.line, d.key, d.hint) for d in cached.diagnostics),
            record.path, record.slug, record.content_hash, record.digest, record.summary_arabic,
            record.summary_english, record.title_terms, record.english_title, record.english_origin,
            tuple((r.rule, r.text, r.line) for r in record.removals),
            meta.title, meta.date and meta.date.toordinal(), meta.source, meta.url, meta.author, meta.themes,
            meta.lang, meta.inferred)


def _cached(plain: tuple) -> CachedArticle:
    (stamp, diagnostics, path, slug, content_hash, digest, summary_arabic, summary_english, title_terms,
     english_title, english_origin, removals, title, date, source, url, author, themes, lang, inferred) = plain
    meta = ArticleMeta(title, date and dt.date.fromordinal(date), source, url, author, themes, lang, inferred)
    record = ArticleRecord(path, slug, meta, content_hash, digest, summary_arabic, summary_english, title_terms,
                           english_title, english_origin, tuple(Removal(*removal) for removal in removals))
    return CachedArticle(stamp, tuple(Diagnostic(*diagnostic) for diagnostic in diagnostics), record)


def settings_digest(config: SiteConfig, translation_identity: str) -> str:
    parts = (code_digest(), config.cleaning, sorted(t.id for t in config.themes), config.summary_sentences,
             config.translation, translation_identity)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]
