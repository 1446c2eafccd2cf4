"""The plain data handed from one pipeline stage to the next.

load -> SourceArticle -> clean -> CleanArticle -> translate -> TranslatedArticle
-> summarize -> SummarizedArticle -> group -> SiteModel -> render -> Page -> write.

Every stage takes these values and returns new ones; nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in config or content, phrased for the editor who must fix it."""

    level: str  # "error" | "warning" | "info"
    path: str  # file the problem is in, relative to the site folder where possible
    message: str
    line: int | None = None
    key: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        key = f" [{self.key}]" if self.key else ""
        hint = f" — {self.hint}" if self.hint else ""
        return f"{where}: {self.level}{key}: {self.message}{hint}"


class BuildFailed(Exception):
    """Raised when diagnostics of level 'error' make a build impossible."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))

    def __reduce__(self):  # raised in a render worker process, it must arrive whole
        return type(self), (self.diagnostics,)


# --- load ---------------------------------------------------------------


@dataclass(frozen=True)
class ArticleMeta:
    """Front matter after validation and inference."""

    title: str
    date: dt.date | None
    source: str | None = None
    url: str | None = None
    author: str | None = None
    themes: tuple[str, ...] = ()  # explicit themes from front matter; empty = assign automatically
    lang: str = "ar"
    inferred: frozenset[str] = frozenset()  # names of fields guessed from the text


@dataclass(frozen=True)
class EditorTranslation:
    """An English text written by the editors (`<slug>.en.md`); it always wins over machine output."""

    path: str
    title: str
    body: str  # Markdown


@dataclass(frozen=True)
class SourceArticle:
    path: str  # relative to the site folder, POSIX separators
    slug: str
    meta: ArticleMeta
    body: str  # Markdown (plain text is valid Markdown)
    body_line: int  # 1-based line of the body's first line in the file, for messages
    content_hash: str  # sha256 of the raw file bytes (and the editor translation's, if any)
    editor_translation: EditorTranslation | None = None


# --- clean --------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One block of body text: a paragraph, heading, list item or quote, as plain text."""

    kind: str  # "p" | "h2" | "h3" | "li" | "quote"
    text: str
    sentences: tuple[str, ...] = ()  # the text split into sentences, in order
    html: str = ""  # inline HTML from markdown-it (raw HTML off, safe links); empty for machine output


@dataclass(frozen=True)
class Removal:
    """A line the cleaning rules took out, kept so verbose output can list it."""

    rule: str
    text: str
    line: int | None = None


@dataclass(frozen=True)
class CleanArticle:
    source: SourceArticle
    blocks: tuple[Block, ...]
    removals: tuple[Removal, ...] = ()

    @property
    def slug(self) -> str:
        return self.source.slug

    @property
    def sentences(self) -> list[tuple[int, int, str]]:
        """(block index, sentence index, text) for every sentence, in reading order."""
        return [(b, s, text) for b, block in enumerate(self.blocks) for s, text in enumerate(block.sentences)]


# --- translate ------------------------------------------------------------


@dataclass(frozen=True)
class EnglishVersion:
    """The English side of an article, from the editors or from the machine."""

    origin: str  # "editor" | "machine"
    title: str
    blocks: tuple[Block, ...]  # for machine output, one block per source block with aligned sentences
    credit: str  # e.g. "Argos Translate ar→en 1.9" or "the editors"


@dataclass(frozen=True)
class TranslatedArticle:
    clean: CleanArticle
    english: EnglishVersion | None  # None = translation pending

    @property
    def slug(self) -> str:
        return self.clean.slug


# --- summarize ------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Chosen sentences, in reading order, as (block index, sentence index) into the Arabic blocks; the
    texts are shown without a leading dateline ("دبي (CNN)--"), so they may be shorter than the blocks'."""

    positions: tuple[tuple[int, int], ...]
    arabic: tuple[str, ...]
    english: tuple[str, ...]  # empty when the translation is pending
    terms: tuple[tuple[str, ...], ...]  # the content terms of each Arabic sentence (story summaries compare them)


@dataclass(frozen=True)
class ArticleProfile:
    """The Arabic content terms of an article (normalised, stemmed, no stop words): what grouping
    compares articles by, worked out once per article and kept with it in the cache."""

    title_terms: tuple[str, ...]
    body_terms: tuple[str, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        return self.title_terms + self.body_terms


@dataclass(frozen=True)
class SummarizedArticle:
    translated: TranslatedArticle
    summary: Summary
    profile: ArticleProfile  # derived from `translated`, so the digest below leaves it out
    # A digest of `translated` and `summary`, kept with the article in the cache: pages that show it
    # are known to be unchanged without building them (equal digests, equal articles).
    digest: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.digest:  # from the values' repr, which (unlike a pickle) does not depend on sharing
            data = repr((self.translated, self.summary)).encode()
            object.__setattr__(self, "digest", hashlib.sha256(data).hexdigest()[:32])

    @property
    def slug(self) -> str:
        return self.translated.slug


@dataclass(frozen=True)
class ArticleRecord:
    """What listings, cards, feeds and the build report show of an article, and what tells its pages
    apart (the digest). Every article has one in the site model; the whole article (`Articles`) is
    read only for the pages that show its text, so a rebuild of 10,000 articles keeps one small index
    instead of unpickling every article."""

    path: str
    slug: str
    meta: ArticleMeta
    content_hash: str  # SourceArticle.content_hash: a touched file with these bytes is unchanged
    digest: str  # SummarizedArticle.digest
    summary_arabic: tuple[str, ...]  # Summary.arabic
    summary_english: tuple[str, ...]  # Summary.english
    title_terms: tuple[str, ...]  # ArticleProfile.title_terms: what a story's headline is chosen by
    english_title: str | None  # None = translation pending
    english_origin: str | None  # "editor" | "machine", as EnglishVersion.origin
    removals: tuple[Removal, ...] = ()

    @classmethod
    def of(cls, article: SummarizedArticle) -> ArticleRecord:
        source, english = article.translated.clean.source, article.translated.english
        return cls(source.path, source.slug, source.meta, source.content_hash, article.digest,
                   article.summary.arabic, article.summary.english, article.profile.title_terms, english and english.title, english and english.origin,
                   article.translated.clean.removals)


class Articles(Protocol):
    """Whole articles by slug, for the pages that show their text (the cache reads them on demand)."""

    def __getitem__(self, slug: str) -> SummarizedArticle: ...


# --- group ----------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """A theme, as configured in site.yaml (or the built-in "Other news")."""

    id: str
    name_ar: str
    name_en: str
    keywords_ar: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One article as the pages show it: everything render needs, nothing it must compute."""

    article: ArticleRecord
    themes: tuple[str, ...]  # theme ids, strongest first
    related: tuple[str, ...] = ()  # slugs of other stories' articles, most similar first
    story: str | None = None  # id of the story it belongs to, when that story has other articles

    @property
    def slug(self) -> str:
        return self.article.slug

    @property
    def meta(self) -> ArticleMeta:
        return self.article.meta


@dataclass(frozen=True)
class Story:
    """Articles that report the same event, from one outlet or several (two or more of them)."""

    id: str  # the slug of its first article: it stays as the story grows
    slugs: tuple[str, ...]  # earliest first
    headline: str  # slug of the article whose title heads the story
    summary: tuple[tuple[str, int], ...]  # (slug, index of a sentence of that article's summary)
    outlets: tuple[str, ...]  # the sources that covered it, in order of their first report


@dataclass(frozen=True)
class BriefingSection:
    """Articles of a briefing that are part of no story, under their strongest theme."""

    theme_id: str
    slugs: tuple[str, ...]


@dataclass(frozen=True)
class Briefing:
    key: str  # "YYYY-MM-DD" (daily, or the Monday of the week when weekly)
    start: dt.date
    end: dt.date
    stories: tuple[str, ...]  # ids of the stories covered in the period, most covered first
    sections: tuple[BriefingSection, ...]  # the other articles, largest theme first


@dataclass(frozen=True)
class SiteModel:
    entries: tuple[Entry, ...]  # newest first
    themes: tuple[Theme, ...]  # configured themes with articles, in config order, then "Other news"
    briefings: tuple[Briefing, ...]  # newest first
    stories: tuple[Story, ...] = ()  # latest report first
    undated: tuple[str, ...] = ()  # slugs of articles without a date (listed, but in no briefing)
    articles: Articles = field(default_factory=dict, repr=False, compare=False)  # whole, by slug, read on demand
    by_slug: dict[str, Entry] = field(init=False, repr=False, compare=False)
    story_by_id: dict[str, Story] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_slug", {e.slug: e for e in self.entries})
        object.__setattr__(self, "story_by_id", {s.id: s for s in self.stories})


# --- render / write -------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One output file other than an HTML page: its path inside output/ and its bytes.

    `data` None: output/ already holds the file made from `key` (what it is made from), keep it.
    `source`: a file in the build's cache that holds these very bytes and is never changed in place
    (the search index), linked into the site instead of copied.
    """

    path: PurePosixPath
    data: bytes | None
    key: str = ""
    source: Path | None = None


@dataclass(frozen=True)
class SearchRecord:
    """One searchable page as the search index receives it."""

    href: str  # the page's address relative to its language's search page, e.g. "../articles/x.html"
    language: str
    content: str  # the article's text (summary and body), normalised
    title: str  # as written, for display
    date: str  # as the page writes it, for display
    datetime: str  # ISO date, for <time datetime>
    summary: str


@dataclass(frozen=True)
class SearchEntry:
    """An article page as the search index sees it. `record` is None when the page was not rendered
    again: its key says the record is the one the index already holds (search asks for it if not)."""

    url: str
    language: str
    slug: str
    datetime: str  # ISO date, or "" for an undated article
    key: str  # the record's key: the same key, the same record
    record: SearchRecord | None


@dataclass(frozen=True)
class RenderedPage:
    """One HTML page after the render stage, with what the sitemap and the search index need of it.

    `data` is None when the page's inputs (`key`) are those of the page output/ already holds:
    the renderer skipped it and the writer keeps the published file.
    """

    path: PurePosixPath
    key: str
    data: bytes | None
    sitemap: str  # its <url> element in sitemap.xml ("" for pages left out: 404s, noindex)
    search: SearchEntry | None = None  # article pages in a language the index holds


@dataclass
class BuildReport:
    """What a build did, for the terminal and for tests (assert on this, not on timing)."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    articles: int = 0
    articles_reused: int = 0  # taken from the article cache: not read, cleaned, translated or summarised again
    pages_written: int = 0
    pages_unchanged: int = 0
    site_bytes: int = 0  # the published site's size, against publish.size_limit
    segments_from_memory: int = 0
    segments_translated: int = 0
    translation_seconds: float = 0.0
    translation_model: str | None = None
    translation_device: str | None = None  # where the model ran this build, None when it did not
    pending_translations: list[str] = field(default_factory=list)
    removals: dict[str, list[Removal]] = field(default_factory=dict)
    inferred: dict[str, list[str]] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage, for --verbose
    model: SiteModel | None = None  # what grouping made: serve drafts a saved article's pages on it
    state: object = None  # the incremental.BuildState this build hands the next (serve keeps it in memory)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "warning"]


def format_size(size: int) -> str:
    """Bytes in decimal units, as hosts state their limits: 397 MB, 1.2 GB."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} B"
