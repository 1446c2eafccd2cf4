"""Views: what the templates receive. Python prepares small, explicit values for each page (titles with
their language, dates already written out, target page paths); the Jinja templates only arrange them.
A template error names these classes: the names a page's template may use are their fields."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Mapping

from markupsafe import Markup

from ..structure import SearchRecord


@dataclass(frozen=True)
class Text:
    """A string and the language it is written in; None when unknown (names, sources, theme names)."""

    value: str
    lang: str | None = None


@dataclass(frozen=True)
class Link:
    path: PurePosixPath
    text: Text


@dataclass(frozen=True)
class Card:
    """An article as one item of a list."""

    path: PurePosixPath
    title: Text
    source: str | None
    date_iso: str
    date_text: str
    pending: bool
    teaser: Text | None = None  # the first sentence of its summary, where a list shows it


@dataclass(frozen=True)
class StoryCard:
    """A story as a briefing, an article or its own page shows it."""

    path: PurePosixPath
    headline: Text
    coverage: str  # "9 articles from 5 outlets"
    outlets: tuple[str, ...]
    summary: tuple[str, ...]
    summary_lang: str
    machine: bool  # an English summary made by the machine, labelled as such
    pending: bool  # an English page whose story summary waits for translations


@dataclass(frozen=True)
class BlockGroup:
    """Body blocks as HTML elements: consecutive list items share one <ul>."""

    kind: str  # "p" | "h2" | "h3" | "ul" | "quote"
    items: tuple[Markup, ...]


@dataclass(frozen=True)
class ArticleView:
    title: Text
    date_iso: str
    date_text: str
    source: str | None
    source_url: str | None
    author: str | None
    themes: tuple[Link, ...]
    notice: Markup  # who translated the English text, on English pages; empty on Arabic ones
    notice_kind: str  # "pending" | "editor" | "machine" | ""
    summary: tuple[str, ...]
    summary_lang: str
    body: tuple[BlockGroup, ...]
    body_lang: str
    related: tuple[Card, ...]
    story: StoryCard | None
    story_articles: tuple[Card, ...]  # the story's other articles
    bilingual: PurePosixPath | None


@dataclass(frozen=True)
class Cell:
    lang: str
    blocks: tuple[BlockGroup, ...]  # one paragraph, or several a translation merged, or none it left out


@dataclass(frozen=True)
class BilingualView:
    title: Text
    other_title: Text
    article: PurePosixPath
    notice: Markup
    notice_kind: str
    rows: tuple[tuple[Cell, Cell], ...]  # the page's language first


@dataclass(frozen=True)
class PageLink:
    number: int
    link: Link


@dataclass(frozen=True)
class Pager:
    """Where a page stands in a listing split into pages (paging.py), and its numbered links."""

    number: int
    count: int
    label: str  # "page 2 of 5", in the page's language and digits
    previous: PurePosixPath | None
    next: PurePosixPath | None
    pages: tuple[PageLink | None, ...]  # the numbers it lists, None where numbers are left out


@dataclass(frozen=True)
class SectionView:
    theme: Link
    cards: tuple[Card, ...]
    continued: bool = False  # its first articles are on the page before


@dataclass(frozen=True)
class BriefingView:
    heading: str
    path: PurePosixPath
    stories_heading: str
    stories: tuple[StoryCard, ...]
    sections: tuple[SectionView, ...]
    newer: Link | None
    older: Link | None
    stories_continued: bool = False  # the page before shows the first stories
    singles_continued: bool = False  # the page before shows the first articles under themes
    pager: Pager | None = None  # the briefing's pages, when it has more than one


@dataclass(frozen=True)
class HomeView:
    latest: BriefingView | None  # the first page of the latest briefing
    earlier: tuple[Link, ...]
    more_in_archive: bool  # there are more earlier briefings than the home page lists
    next_page: Link | None = None  # the latest briefing's page 2, when it has one


@dataclass(frozen=True)
class MonthGroup:
    heading: str
    link: PurePosixPath | None
    cards: tuple[Card, ...]
    continued: bool = False  # its first articles are on the page before


@dataclass(frozen=True)
class StoryView:
    story: StoryCard
    span: str  # the days it was covered
    themes: tuple[Link, ...]
    timeline: tuple[MonthGroup, ...]  # its articles under the day they appeared, earliest first


@dataclass(frozen=True)
class ThemeView:
    """A theme's own page (its chart, newest and undated articles) or the page of one of its years."""

    name: Text
    year: str  # the year the page shows; "" on the theme's own page
    theme: Link | None  # the theme's own page, from a year page
    intro: str
    chart: Markup
    years: tuple[YearLink, ...]  # the year pages, newest first; none when the theme's page lists everything
    months: tuple[MonthGroup, ...]
    undated: tuple[Card, ...]
    pager: Pager | None = None  # a year page's pages, when it has more than one


@dataclass(frozen=True)
class YearLink:
    link: Link
    current: bool  # the page showing it


@dataclass(frozen=True)
class ThemeSummary:
    link: Link
    count: str
    latest: Card | None


@dataclass(frozen=True)
class MonthSummary:
    link: Link
    count: str


@dataclass(frozen=True)
class Figure:
    link: Link
    chart: Markup


@dataclass(frozen=True)
class ArchiveView:
    years: tuple[tuple[str, tuple[MonthSummary, ...]], ...]
    charts: tuple[Figure, ...]
    all_themes: Link | None  # the themes page, when some themes have no chart here
    undated: tuple[Card, ...]


@dataclass(frozen=True)
class MonthView:
    heading: str
    days: tuple[MonthGroup, ...]
    newer: Link | None
    older: Link | None
    pager: Pager | None = None  # the month's pages, when it has more than one


@dataclass(frozen=True)
class Panel:
    """One language's half of the bilingual landing page."""

    lang: str
    dir: str
    title: Text
    description: str
    home: PurePosixPath
    latest: Link | None
    headlines: tuple[Card, ...]
    themes: PurePosixPath
    archive: PurePosixPath
    ui: Mapping[str, str]


@dataclass(frozen=True)
class NotFoundText:
    """The 404 message in one language; the root 404 page shows it in both."""

    lang: str
    dir: str
    heading: str
    text: str
    home_label: str
    home: PurePosixPath


@dataclass(frozen=True)
class Chrome:
    """Everything base.html needs: language, titles, navigation, alternates."""

    lang: str
    dir: str
    path: PurePosixPath
    title: str  # the page's own title, for Open Graph
    document_title: str  # the <title>: page title and site title
    title_lang: str
    description: str
    section: str  # "home" | "themes" | "archive" | "": which nav item is current
    home: PurePosixPath
    themes: PurePosixPath
    archive: PurePosixPath
    stylesheet: PurePosixPath
    switch: Link  # the same page in the other language, named in that language
    versions: tuple[tuple[str, PurePosixPath], ...]  # (hreflang, page): this page in each language, x-default
    alternates: tuple[tuple[str, str], ...]  # the same as the page writes them: (hreflang, href)
    canonical: str | None
    og_type: str
    search: PurePosixPath  # the search page the header form submits to
    feeds: tuple[Link, ...]  # Atom feeds announced in <head>, named in their language
    published: str = ""  # ISO date of an article, for article:published_time
    json_ld: Markup = Markup("")  # structured data, already safe to place inside <script>
    robots: str = ""  # e.g. "noindex" for pages that must stay out of search engines


@dataclass(frozen=True)
class SearchView:
    """The search page: where results go, what to offer without JavaScript, and the query folding table."""

    needs_js: Markup  # shown until the script starts: search needs JavaScript, browse instead
    archive: PurePosixPath  # offered again when the index cannot be loaded
    script: PurePosixPath
    stylesheet: PurePosixPath
    indexes: PurePosixPath  # pagefind/<lang>/indexes.json: the search index shards, newest first
    fold: Markup  # JSON: character -> replacement, so queries are normalised exactly like the index
    arabic_indic: bool  # write result counts in Arabic-Indic digits


@dataclass(frozen=True)
class PageRecipe:
    """One page before Jinja runs: the template and every value it receives."""

    template: str
    chrome: Chrome
    view: object
    rooted: bool = False  # 404 pages link from base_url, as they are served at any depth
    search: SearchRecord | None = None
