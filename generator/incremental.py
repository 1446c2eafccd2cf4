"""What one build hands the next, with one owner.

A build starts from the previous state (`BuildState`): read from the site's .cache/ by
`previous_state`, or handed over in memory by a process that builds again and again (serve), which
then reads nothing. The stages take their part as a value and give the next one back (grouping the
`Grouping`, the renderer the `PageIndex`, the writer the `SiteFiles`, theme matching the scores);
the build ends by handing the next state to `keep_state`, which writes the parts that changed, once
`output/` holds the site they describe. A build that fails hands nothing on: the previous state
stays, on disk and in memory. Serve has the browsers reload before `keep_state` writes (0.8 s of a
rebuild at 10,000 articles), still under the build lock, so no other build reads a state half kept.

Parts of the state:
- the article records (`article_cache.LoadedArticles`): the index of what the article cache keeps;
- the theme scores: article digest → `themes.ThemeMatch`, for one code and set of keywords;
- the grouping (`group.Grouping`): vectors, neighbours, story placements, assembled stories;
- the page index (`page_index.PageIndex`): what each page was made from;
- the writer's records of output/ and its spare (`manifest.SiteFiles`);
- held in memory only, the listing of content/articles/ (`content_files.ArticleListing`).

A state held in memory is used only while the manifest on disk is the one `keep_state` wrote for
it and no build has started changing the spare since (its mark stays until `keep_state` ends): any
other build of the site since (another process; a failed build, which saves the records of the
spare it changed; a build stopped between publishing and writing its state) and the state is read
from disk again.

Any part may be older than output/ (a build killed before `keep_state` finished): each is checked
against what it was made from before it is used, so an old part costs work, never a wrong page.
Written as the work happens, by the code that does it, and so not here: the articles' pickles (by
the summarising workers), Pagefind's shard indexes (search), Jinja's bytecode (render) and the
inputs' fingerprint (fingerprint.py, after `keep_state`).
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from .article_cache import LoadedArticles, keep_articles
from .config import SiteConfig
from .content_files import ArticleListing
from .digests import code_digest
from .files import replace_file
from .group import Grouping
from .manifest import MANIFEST, SPARE_CHANGING, SiteFiles, read_site_files, save_site_files
from .page_index import PageIndex, keep_page_index, kept_page_index, with_readers
from .state_log import stamp

THEMES_FOLDER = "themes"
GROUPING_FILE = "grouping.pickle"


@dataclass(frozen=True)
class BuildState:
    articles: LoadedArticles = field(default_factory=LoadedArticles)
    theme_scores: Mapping[str, tuple] = field(default_factory=dict)  # article digest → ThemeMatch
    theme_keywords: str = ""  # digest of the code and keywords the scores are for
    grouping: Grouping | None = None
    page_index: PageIndex = field(default_factory=PageIndex)
    files: SiteFiles = field(default_factory=SiteFiles)
    manifest_stamp: tuple | None = None  # of the manifest `keep_state` wrote (held states only)
    listing: ArticleListing | None = None  # what listing content/articles/ found (held only: serve's watcher
    # names the paths changed since, so the next build updates it instead of listing the folder)


def previous_state(config: SiteConfig, output: Path, held: BuildState | None = None) -> BuildState:
    """The state the last build handed on: `held` in memory when given and still the last build's
    (its theme scores only for the same keywords), else what .cache/ holds. Parts missing or
    unreadable are empty: rebuilt in full."""
    keywords = _keywords_digest(config)
    if held is not None and held.manifest_stamp == stamp(config.cache_dir / MANIFEST) \
            and not (config.cache_dir / SPARE_CHANGING).exists():  # else a build stopped before keep_state
        if held.theme_keywords == keywords:
            return held
        return replace(held, theme_scores=_read_theme_scores(config, keywords), theme_keywords=keywords)
    return BuildState(LoadedArticles(), _read_theme_scores(config, keywords), keywords,
                      _read_grouping(config.cache_dir / GROUPING_FILE), kept_page_index(config.cache_dir),
                      read_site_files(config.cache_dir, output))


def keep_state(config: SiteConfig, previous: BuildState, state: BuildState) -> BuildState:
    """Write the parts of `state` that differ from `previous`; give back `state` as a process that
    builds again may hold it."""
    keep_articles(state.articles)
    if state.theme_scores is not previous.theme_scores or not _theme_scores_path(config, state.theme_keywords).exists():
        _write_theme_scores(config, state.theme_keywords, state.theme_scores)
    if state.grouping is not None and (previous.grouping is None or (state.grouping.key, state.grouping.digests)
                                       != (previous.grouping.key, previous.grouping.digests)):
        replace_file(config.cache_dir / GROUPING_FILE, pickle.dumps(state.grouping, protocol=pickle.HIGHEST_PROTOCOL))
    page_index = keep_page_index(config.cache_dir, state.page_index, previous.page_index)
    files = save_site_files(config.cache_dir, state.files, previous.files)  # last: it stamps the state
    return replace(state, page_index=page_index, files=replace(files, as_left=True),
                   manifest_stamp=stamp(config.cache_dir / MANIFEST))


def held(state: BuildState) -> BuildState:
    """`state` as a process that builds again (serve) keeps it between builds: with what only such a
    process gains from, made once while it waits for the next save (the page index's readers)."""
    return replace(state, page_index=with_readers(state.page_index))


def _keywords_digest(config: SiteConfig) -> str:
    keywords = [(theme.id, theme.keywords_ar) for theme in config.themes]
    return hashlib.sha256(repr((code_digest(), keywords)).encode()).hexdigest()[:20]


def _theme_scores_path(config: SiteConfig, keywords: str) -> Path:
    return config.cache_dir / THEMES_FOLDER / f"{keywords}.pickle"


def _read_theme_scores(config: SiteConfig, keywords: str) -> dict[str, tuple]:
    kept = _read(_theme_scores_path(config, keywords))
    return kept if isinstance(kept, dict) else {}


def _write_theme_scores(config: SiteConfig, keywords: str, scores: Mapping[str, tuple]) -> None:
    """Replace the kept scores (and those of other code or keywords) with `scores`."""
    path = _theme_scores_path(config, keywords)
    replace_file(path, pickle.dumps(dict(scores), protocol=pickle.HIGHEST_PROTOCOL))
    for other in path.parent.iterdir():
        if other != path:
            other.unlink(missing_ok=True)


def _read_grouping(path: Path) -> Grouping | None:
    """What the last build kept of grouping (`group.regroup` checks that it still applies), if anything."""
    kept = _read(path)
    return kept if isinstance(kept, Grouping) else None


def _read(path: Path) -> object:
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None

