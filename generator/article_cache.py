"""Per-article results kept between builds, so an unchanged article is not read, cleaned, translated
or summarised again — in a rebuild or in the `serve` loop.

What grouping made of them (each article's vector and nearest articles, where story detection
placed it, the stories assembled: group.Grouping) is kept in .cache/grouping.pickle, so a rebuild
works out only what new and edited articles change.

The configured themes each article scored (themes.ThemeScores) are kept beside them, in one pickle
under .cache/themes/, named after the code and the themes' keywords: editing a keyword scores every
article again, and keeps their other results.

One small pickle per article file under .cache/articles/<settings>/, where <settings> digests all
that the kept results depend on besides the file itself: the generator's code, the cleaning rules,
the configured theme ids, the summary length, the translation settings, the installed model, the
glossary and what the translation memory gives that model (translate.memory.memory_generation: a
copy of the same file keeps the cache, an edited one does not). An article is
reused when its file (and its editor translation) have the size, modification time and inode they
had, or else when their bytes hash the same. Articles still waiting for a translation are never
kept: the next build may have a model for them. A long-running process (`serve`) also keeps them
loaded (`LoadedArticles`), so its rebuilds do not read 10,000 pickles again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .config import SiteConfig
from .digests import code_digest
from .files import replace_file
from .group import Grouping
from .structure import Diagnostic, SourceArticle, SummarizedArticle

FOLDER = "articles"
THEMES_FOLDER = "themes"
GROUPING_FILE = "grouping.pickle"  # vectors, neighbours, story placements: what an add-one rebuild keeps


@dataclass(frozen=True)
class CachedArticle:
    stamp: tuple  # (size, mtime_ns, inode) of the article file and of its editor translation
    diagnostics: tuple[Diagnostic, ...]  # what reading the file reported
    article: SummarizedArticle

    @property
    def source(self) -> SourceArticle:
        return self.article.translated.clean.source


def file_stamp(*paths: Path) -> tuple:
    """What must stay the same for an article's files to count as unchanged without reading them."""
    stamps = []
    for candidate in paths:
        try:
            stat = os.stat(candidate)
        except OSError:
            stamps.append(None)
        else:
            stamps.append((stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(stamps)


@dataclass
class LoadedArticles:
    """The cache's articles as one process has loaded them, for the cache folder of one set of settings."""

    folder: Path | None = None
    articles: dict[str, CachedArticle] = field(default_factory=dict)


class ArticleCache:
    """Load with `lookup`; keep a new result by `write` (in any process: the summarising workers
    write their own) and `remember` (in the building process); then `save` once the build succeeded.
    `loaded` is what this process read or kept in earlier builds (serve keeps it between them)."""

    def __init__(self, config: SiteConfig, translation_identity: str, loaded: LoadedArticles | None = None):
        self.folder = config.cache_dir / FOLDER / settings_digest(config, translation_identity)
        self._loaded = loaded if loaded is not None else LoadedArticles()
        if self._loaded.folder != self.folder:  # other settings: what was loaded does not apply
            self._loaded.folder = self.folder
            self._loaded.articles.clear()
        self._seen: set[str] = set()

    def lookup(self, rel: str) -> CachedArticle | None:
        """What an earlier build kept for the file `rel` (the caller checks it still matches the file)."""
        self._seen.add(rel)
        cached = self._loaded.articles.get(rel)
        if cached is not None:
            return cached
        try:
            with open(self._path(rel), "rb") as handle:
                cached = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None
        if not isinstance(cached, CachedArticle):
            return None
        self._loaded.articles[rel] = cached
        return cached

    def write(self, rel: str, stamp: tuple, diagnostics: list[Diagnostic], article: SummarizedArticle) -> None:
        """Write the article's results to its own file, unless it still waits for a translation."""
        if article.translated.english is not None:
            cached = CachedArticle(stamp, tuple(diagnostics), article)
            replace_file(self._path(rel), pickle.dumps(cached, protocol=pickle.HIGHEST_PROTOCOL))

    def remember(self, rel: str, stamp: tuple, diagnostics: list[Diagnostic], article: SummarizedArticle) -> None:
        """Keep what `write` wrote loaded in this process, for its next build."""
        self._seen.add(rel)
        if article.translated.english is not None:
            self._loaded.articles[rel] = CachedArticle(stamp, tuple(diagnostics), article)
        else:
            self._loaded.articles.pop(rel, None)

    def save(self) -> None:
        """Drop the results of files that are gone and of other settings."""
        self.folder.mkdir(parents=True, exist_ok=True)
        wanted = {self._path(rel).name for rel in self._seen}
        for entry in os.scandir(self.folder):
            if entry.name not in wanted:
                os.unlink(entry.path)
        for other in self.folder.parent.iterdir():
            if other != self.folder:
                shutil.rmtree(other, ignore_errors=True)
        for rel in self._loaded.articles.keys() - self._seen:  # files that are gone
            del self._loaded.articles[rel]

    def _path(self, rel: str) -> Path:
        return self.folder / (hashlib.sha256(rel.encode()).hexdigest()[:32] + ".pickle")


def kept_theme_scores(config: SiteConfig) -> dict[str, tuple]:
    """Article digest → configured themes, as the last build scored them with the same code and keywords."""
    try:
        kept = pickle.loads(_theme_scores_path(config).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return {}
    return kept if isinstance(kept, dict) else {}


def keep_theme_scores(config: SiteConfig, scores: dict[str, tuple]) -> None:
    """Replace the kept scores (and those of other code or keywords) with `scores`."""
    path = _theme_scores_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, pickle.dumps(scores, protocol=pickle.HIGHEST_PROTOCOL))
    for other in path.parent.iterdir():
        if other != path:
            other.unlink(missing_ok=True)


def kept_grouping(config: SiteConfig) -> Grouping | None:
    """What the last build kept of grouping (`group.regroup` checks that it still applies), if anything."""
    try:
        kept = pickle.loads((config.cache_dir / GROUPING_FILE).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return kept if isinstance(kept, Grouping) else None


def keep_grouping(config: SiteConfig, grouping: Grouping) -> None:
    path = config.cache_dir / GROUPING_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, pickle.dumps(grouping, protocol=pickle.HIGHEST_PROTOCOL))


def _theme_scores_path(config: SiteConfig) -> Path:
    keywords = [(theme.id, theme.keywords_ar) for theme in config.themes]
    digest = hashlib.sha256(repr((code_digest(), keywords)).encode()).hexdigest()[:20]
    return config.cache_dir / THEMES_FOLDER / f"{digest}.pickle"


def settings_digest(config: SiteConfig, translation_identity: str) -> str:
    parts = (code_digest(), config.cleaning, sorted(t.id for t in config.themes), config.summary_sentences,
             config.translation, translation_identity)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]
