"""render: SiteModel -> HTML pages in Arabic and English, plus the static files.

Python prepares small, explicit views of each page (titles with their language, dates already
written out, target page paths); the Jinja templates only arrange them. Nothing here writes files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import traceback
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Callable, Iterable, Iterator, Mapping, TypeVar
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

from jinja2 import (Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateNotFound, TemplateSyntaxError, meta, select_autoescape)
from markupsafe import Markup, escape

from .align import align_paragraphs
from .chart import theme_chart
from .config import SiteConfig
from .digests import code_digest
from .dates import format_date, format_month, format_number, format_period, month_key, month_span
from .load import display_path
from .paging import ARTICLE_UNITS, PAGE_UNITS, STORY_UNITS, page_groups, pager_numbers, split_pages
from .parallel import fork_map
from .search import fold_table, search_index_list
from .arabic import normalize
from .structure import (Block, Briefing, BuildFailed, Diagnostic, EnglishVersion, Entry, RenderedPage,
                        SearchEntry, SearchRecord, SiteModel, Theme)
from .ui import UI
from .urls import (LANGUAGES, absolute_url, href_path, page_path, relative_url, rooted_url, search_path,
                   theme_year_key)

Result = TypeVar("Result")

# The page kinds keyed by what they are made from (SiteRenderer.sources), 99 % of a site's pages, and
# the template of each.
SOURCE_KEYED_PAGES = MappingProxyType({"article": "article.html", "bilingual": "bilingual.html",
                                       "briefing": "briefing.html", "theme": "theme.html",
                                       "theme_year": "theme.html", "month": "month.html",
                                       "story": "story.html"})
TEMPLATE_NAMES = (
    "base.html", "partials/cards.html", "partials/briefing.html", "partials/blocks.html",
    "home.html", "root.html", "briefing.html", "article.html", "bilingual.html", "story.html",
    "theme.html", "themes.html", "archive.html", "month.html", "404.html", "search.html",
)
EARLIER_BRIEFINGS_ON_HOME = 12
THEME_LATEST = 50  # stories on a theme's own page; a theme with more also has a page per year
ARCHIVE_CHARTS = 12  # themes charted on the archive page, the largest ones; the themes page lists them all
HEADLINES_ON_ROOT = 6
DIRECTION = MappingProxyType({"ar": "rtl", "en": "ltr"})
_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff"
                            "\ufb50-\ufdff\ufe70-\ufefc]")
_LETTER = re.compile(r"[^\W\d_]")

# --- views: what the templates receive ------------------------------------------------


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


# --- text helpers ----------------------------------------------------------------------


def guess_language(text: str) -> str | None:
    """Return "ar" for text with Arabic letters, else None: Latin text may be in any language."""
    return "ar" if _ARABIC_LETTER.search(text) else None


def phrase(page_lang: str, value: Text | str) -> Markup:
    """Escaped text, marked with lang/dir when it is not in the page's language.

    Text of known language gets <span lang dir>; text of unknown language is isolated in <bdi>:
    with lang="ar" dir="rtl" when it holds Arabic letters on an English page (no Arabic run is ever
    tagged as English), with dir="ltr" when an Arabic page quotes a Latin-script name.
    """
    text = value if isinstance(value, Text) else Text(value)
    escaped = escape(text.value)  # the languages put in attributes are keys of DIRECTION: "ar", "en"
    if text.lang == page_lang:
        return escaped
    if text.lang is not None:
        return Markup(f'<span lang="{text.lang}" dir="{DIRECTION[text.lang]}">{escaped}</span>')
    guessed = guess_language(text.value)
    if guessed is not None and guessed != page_lang:
        return Markup(f'<bdi lang="{guessed}" dir="{DIRECTION[guessed]}">{escaped}</bdi>')
    if guessed is None and page_lang == "ar" and _LETTER.search(text.value):
        return Markup(f'<bdi dir="ltr">{escaped}</bdi>')
    return Markup(f"<bdi>{escaped}</bdi>")


@lru_cache(maxsize=None)  # a handful of pairs, asked for from every element of every page
def lang_attributes(page_lang: str, lang: str | None) -> Markup:
    """' lang="ar" dir="rtl"' for an element whose content is not in the page's language, else ''."""
    if lang is None or lang == page_lang:
        return Markup("")
    return Markup(f' lang="{lang}" dir="{DIRECTION[lang]}"')


def paged_title(title: Text, pager: Pager | None) -> Text:
    """A listing's title, with "page n of N" from its second page on."""
    if pager is None or pager.number == 1:
        return title
    return Text(f"{title.value} — {pager.label}", title.lang)


def feed_path(lang: str) -> PurePosixPath:
    """The Atom feed of one language: <lang>/feed.xml."""
    return PurePosixPath(lang, "feed.xml")


def page_url(base_url: str, page: PurePosixPath) -> str:
    """The page's full URL when base_url is absolute, else its address from the server root."""
    return absolute_url(base_url, page) or rooted_url(base_url, page)


def sitemap_entry(root: str, path: PurePosixPath, versions: Iterable[tuple[str, PurePosixPath]]) -> str:
    """A page's <url> element in sitemap.xml, with the hreflang alternates its <head> names. Made
    where the page is rendered (in the workers); addresses are percent-encoded (`href_path`), so only
    `root`, the site's escaped base URL, needs escaping."""
    links = "".join(f'\n    <xhtml:link rel="alternate" hreflang="{hreflang}" href="{root}{href_path(page)}"/>'
                    for hreflang, page in versions)
    return f"  <url>\n    <loc>{root}{href_path(path)}</loc>{links}\n  </url>"


def script_json(data: object) -> Markup:
    """JSON that is safe inside a <script> element: no "<", ">" or "&" can end it or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def briefing_heading(briefing: Briefing, lang: str, config: SiteConfig) -> str:
    """A briefing's title, e.g. "Briefing — 17 March 2023", as pages and feeds show it."""
    template = UI[lang]["briefing_weekly" if config.briefing_period == "weekly" else "briefing_daily"]
    return template.format(period=format_period(briefing.start, briefing.end, lang, config.digits))


def _bytecode_cache(config: SiteConfig) -> FileSystemBytecodeCache:
    """Compiled templates kept in the site's cache: compiling them is most of a small site's build."""
    folder = config.cache_dir / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


def web_url(url: str | None) -> str | None:
    """The URL if it is an http(s) address; anything else (javascript:, data:) is never linked."""
    if url and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return url.strip()
    return None


def count_articles(count: int, lang: str, digits: str) -> str:
    """"12 articles" / "12 مقالًا", with Arabic's dual and plural forms."""
    number = format_number(count, lang, digits)
    if lang != "ar":
        return f"{number} article" if count == 1 else f"{number} articles"
    if count == 0:
        return "لا مقالات"
    if count == 1:
        return "مقال واحد"
    if count == 2:
        return "مقالان"
    if 3 <= count % 100 <= 10:
        return f"{number} مقالات"
    if 11 <= count % 100 <= 99:
        return f"{number} مقالًا"
    return f"{number} مقال"


def count_outlets(count: int, lang: str, digits: str) -> str:
    """"5 outlets" / "5 مصادر", as the object of "from" (Arabic's genitive dual: مصدرين)."""
    if count == 1:
        return UI[lang]["outlet_one"]
    if count == 2:
        return UI[lang]["outlet_two"]
    number = format_number(count, lang, digits)
    if lang != "ar" or 3 <= count % 100 <= 10:
        return UI[lang]["outlet_few"].format(count=number)
    return UI[lang]["outlet_many" if count % 100 > 10 else "outlet_hundreds"].format(count=number)


def group_blocks(blocks: Iterable[Block]) -> tuple[BlockGroup, ...]:
    """Blocks as HTML groups; consecutive list items are gathered into one list."""
    groups: list[BlockGroup] = []
    for block in blocks:
        kind = "ul" if block.kind == "li" else block.kind
        content = block_content(block)
        if kind == "ul" and groups and groups[-1].kind == "ul":
            groups[-1] = BlockGroup("ul", groups[-1].items + (content,))
        else:
            groups.append(BlockGroup(kind, (content,)))
    return tuple(groups)


def block_content(block: Block) -> Markup:
    """The block's markdown-it inline HTML (already safe) when present, else its escaped text."""
    return Markup(block.html) if block.html else escape(block.text)


# --- the renderer ------------------------------------------------------------------------


@dataclass(frozen=True)
class PageRecipe:
    """One page before Jinja runs: the template and every value it receives."""

    template: str
    chrome: Chrome
    view: object
    rooted: bool = False  # 404 pages link from base_url, as they are served at any depth
    search: SearchRecord | None = None


def render_salt(config: SiteConfig) -> str:
    """What every page depends on besides its own values and template: the code and the configuration."""
    return hashlib.sha256(f"{config!r}\n{code_digest()}".encode()).hexdigest()


def template_digests(env: Environment) -> dict[str, str]:
    """For each template, a digest of its source and of every template it extends, includes or imports,
    so a changed template re-renders only the pages built from it."""
    own: dict[str, tuple[str, set[str]]] = {}
    names = env.list_templates(filter_func=lambda n: n.endswith(".html"))
    for name in names:
        source = env.loader.get_source(env, name)[0]
        referenced = set(meta.find_referenced_templates(env.parse(source)))
        if None in referenced:  # a name computed at render time: it may be any of them
            referenced = set(names) - {name}
        own[name] = (source, referenced)

    def closure(name: str, seen: frozenset[str] = frozenset()) -> str:
        source, referenced = own.get(name, ("", set()))
        parts = [source] + [closure(r, seen | {name}) for r in sorted(referenced) if r not in seen]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    return {name: closure(name) for name in own}


def template_problem(error: TemplateError, config: SiteConfig, page: PurePosixPath | None = None) -> Diagnostic:
    """A template error as the editor must see it: the template file and line, and what went wrong."""
    folder = config.templates_dir
    if isinstance(error, TemplateNotFound):
        return Diagnostic("error", display_path(folder / error.name, config.root), f"template {error.name} is missing",
                          hint="copy it back from the generator's templates/ folder")
    if isinstance(error, TemplateSyntaxError) and error.filename:
        where, line = error.filename, error.lineno
    else:  # raised while rendering: Jinja puts the template's file and line in the traceback
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(str(folder))]
        where, line = (frames[-1].filename, frames[-1].lineno) if frames else (str(folder), None)
    during = f" while rendering {page}" if page else ""
    return Diagnostic("error", display_path(Path(where), config.root), f"template error{during}: {error.message}",
                      line=line, hint="fix the template; the names each page receives are listed in "
                                      "generator/render.py (the *View classes)")


class SiteRenderer:
    """Holds one build's Jinja environment and the indexes derived from the model: `pages()` renders
    the site, `search_record()` gives the search index what one article page shows."""

    def __init__(self, model: SiteModel, config: SiteConfig):
        self.model = model
        self.config = config
        self.env = Environment(
            loader=FileSystemLoader(str(config.templates_dir)),
            autoescape=select_autoescape(("html",), default_for_string=True, default=True),
            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            bytecode_cache=_bytecode_cache(config),
            auto_reload=False,  # one build, one set of templates: no stat of each template for every page
        )
        for name in TEMPLATE_NAMES:  # compiled once here, so forked workers inherit them
            try:
                self.env.get_template(name)
            except TemplateError as error:
                raise BuildFailed([template_problem(error, config)]) from None
        self.salt = render_salt(config)
        self.sitemap_root = xml_escape(page_url(config.base_url, PurePosixPath()), {'"': "&quot;"})
        self.template_digests = template_digests(self.env)
        self.themes = {t.id: t for t in model.themes}
        self.theme_reprs = {t.id: repr(t) for t in model.themes}  # for page keys, made once
        self._article_sources: dict[str, str] = {}  # slug → article_sources(slug), made on first use
        self._listings: dict[tuple, tuple] = {}  # (kind, which) → listing(kind, which), made on first use
        self.theme_entries: dict[str, list[Entry]] = defaultdict(list)
        self.month_entries: dict[str, list[Entry]] = defaultdict(list)
        for entry in model.entries:
            for theme_id in entry.themes:
                if theme_id in self.themes:
                    self.theme_entries[theme_id].append(entry)
            if entry.meta.date is not None:
                self.month_entries[month_key(entry.meta.date)].append(entry)
        self.months = sorted(self.month_entries, reverse=True)  # newest first
        self.theme_months: dict[str, dict[str, list[Entry]]] = {}  # theme → its months, oldest first → entries
        for theme in model.themes:
            by_month: dict[str, list[Entry]] = defaultdict(list)
            for entry in self.theme_entries[theme.id]:
                if entry.meta.date is not None:
                    by_month[month_key(entry.meta.date)].append(entry)
            self.theme_months[theme.id] = dict(sorted(by_month.items()))

    def pages(self, reusable: Mapping[str, str] = MappingProxyType({}), workers: int = 1,
              then: Callable[[RenderedPage], Result] = lambda page: page) -> Iterator[Result]:
        """Every HTML page of the site in both languages, each passed through `then` where it was made.

        A page whose inputs have the key `reusable` maps its path to (output/ holds it as rendered from
        exactly those inputs) comes back without bytes instead of being rendered again. The keys of
        pages keyed by their sources (all but a few) are worked out here, in this process: sending
        40,000 results back from workers would cost more than the digests. Only the pages to render,
        and the few keyed by their recipe, are shared among up to `workers` forked processes (all
        of them when output/ holds nothing to reuse); the result does not depend on how. `then` runs
        in the worker that rendered the page: the build writes the bytes there, so only a small
        record of each page travels back.
        """
        pending = []
        for spec in self.page_specs():
            kept = self.kept_page(spec, reusable) if reusable and spec[0] in SOURCE_KEYED_PAGES else None
            if kept is None:
                pending.append(spec)
            else:
                yield then(kept)
        yield from fork_map(lambda spec: then(self.finished(spec, reusable)), pending, workers)

    def search_record(self, lang: str, slug: str) -> SearchRecord:
        """The search record of an article page that was not rendered again."""
        return self.article_page(lang, slug).search

    def page_specs(self) -> list[tuple]:
        """Every page as (kind, arguments…): cheap to list and to send to a worker process."""
        specs: list[tuple] = [("root",), ("root_not_found",)]
        for lang in LANGUAGES:
            specs += [("home", lang), ("themes", lang), ("archive", lang), ("not_found", lang), ("search", lang)]
            specs += [("briefing", lang, i, n) for i in range(len(self.model.briefings))
                      for n in self.page_numbers("briefing", i)]
            for entry in self.model.entries:
                specs += [(kind, lang, entry.slug) for kind in article_page_kinds(entry)]
            specs += [("story", lang, story.id) for story in self.model.stories]
            specs += [("theme", lang, theme.id) for theme in self.model.themes]
            specs += [("theme_year", lang, key, n) for theme in self.model.themes for year in self.theme_years(theme.id)
                      for key in [theme_year_key(theme.id, year)] for n in self.page_numbers("theme_year", key)]
            specs += [("month", lang, i, n) for i in range(len(self.months)) for n in self.page_numbers("month", i)]
        return specs

    def listing(self, kind: str, which: int | str) -> tuple[tuple[tuple[object, tuple[str, ...]], ...],
                                                            tuple[range, ...]]:
        """A listing split into pages (a briefing, a month, a theme's year): its groups, each (key,
        ids of its items), and which of all their items each page shows.

        A briefing's first group is its stories (key None), then its sections (a theme id and
        slugs); a month's groups are its days, a theme's year its months (keys), newest first."""
        made = self._listings.get((kind, which))
        if made is not None:
            return made
        groups: tuple[tuple[object, tuple[str, ...]], ...]
        if kind == "briefing":
            briefing = self.model.briefings[which]
            groups = ((None, briefing.stories), *((section.theme_id, section.slugs) for section in briefing.sections))
        else:
            if kind == "month":
                entries = self.month_entries[self.months[which]]
            else:
                theme_id, _, year = which.rpartition("/")
                entries = self.year_entries(theme_id, year)
            by_group: dict[object, list[str]] = defaultdict(list)
            for entry in entries:
                by_group[entry.meta.date if kind == "month" else month_key(entry.meta.date)].append(entry.slug)
            keys = sorted(by_group, reverse=True) if kind == "month" else list(by_group)
            groups = tuple((key, tuple(by_group[key])) for key in keys)
        costs = [STORY_UNITS if kind == "briefing" and index == 0 else ARTICLE_UNITS
                 for index, (_, items) in enumerate(groups) for _ in items]
        made = self._listings[(kind, which)] = (groups, split_pages(costs, PAGE_UNITS))
        return made

    def page_numbers(self, kind: str, which: int | str) -> range:
        return range(1, len(self.listing(kind, which)[1]) + 1)

    def listing_page(self, kind: str, which: int | str, number: int) -> tuple[tuple[int, object, tuple[str, ...], bool],
                                                                               ...]:
        """What page `number` of a listing shows: (index of the group, its key, the ids of its items on
        this page, whether they continue it from the page before) for each group it shows part of."""
        groups, pages = self.listing(kind, which)
        shown = page_groups([len(items) for _, items in groups], pages[number - 1])
        return tuple((g, groups[g][0], groups[g][1][part.start:part.stop], continued) for g, part, continued in shown)

    def pager(self, kind: str, lang: str, key: str, number: int, count: int) -> Pager | None:
        """The numbered pager of page `number` of a listing (`key` its address key); None for one page."""
        if count == 1:
            return None

        def path(n: int) -> PurePosixPath:
            return page_path(kind, lang, key, n)

        digits = self.config.digits
        label = UI[lang]["page_of"].format(page=format_number(number, lang, digits),
                                           count=format_number(count, lang, digits))
        return Pager(number, count, label, path(number - 1) if number > 1 else None,
                     path(number + 1) if number < count else None,
                     tuple(None if n is None else PageLink(n, Link(path(n), Text(format_number(n, lang, digits), lang)))
                           for n in pager_numbers(number, count)))

    def kept_page(self, spec: tuple, reusable: Mapping[str, str]) -> RenderedPage | None:
        """The page `spec` names (of a kind keyed by its sources), without bytes, if output/ holds it
        made from the same sources; else None. An unchanged page costs a digest, not a view."""
        kind, lang, which = spec[:3]
        key = self.source_key(spec)
        path, counterpart = self.addresses(spec)
        if reusable.get(path.as_posix()) != key:
            return None
        versions = self.language_versions({lang: path, _other(lang): counterpart})
        return RenderedPage(path, key, None, sitemap_entry(self.sitemap_root, path, versions),
                            search=self.search_entry(lang, which, None) if kind == "article" else None)

    def finished(self, spec: tuple, reusable: Mapping[str, str]) -> RenderedPage:
        """The page `spec` names, rendered unless output/ already holds it made from the same inputs:
        most pages are keyed by their sources, the few others by their recipe."""
        kind = spec[0]
        recipe: PageRecipe = getattr(self, f"{kind}_page")(*spec[1:])
        if kind in SOURCE_KEYED_PAGES:
            key = self.source_key(spec)
        else:
            key = self.key(recipe.template, (recipe.template, recipe.rooted, recipe.chrome, recipe.view))
        chrome = recipe.chrome
        data = None if reusable.get(chrome.path.as_posix()) == key else self.html(recipe)
        in_sitemap = not recipe.rooted and "noindex" not in chrome.robots
        return RenderedPage(chrome.path, key, data,
                            sitemap_entry(self.sitemap_root, chrome.path, chrome.versions) if in_sitemap else "",
                            search=self.search_entry(*spec[1:], recipe.search) if kind == "article" else None)

    def key(self, template: str, inputs: tuple) -> str:
        """The key of a page: the code and config, its template (with what that uses) and its inputs."""
        payload = f"{self.salt}\n{self.template_digests[template]}\n{inputs!r}"
        return hashlib.sha256(payload.encode()).hexdigest()[:32]

    def source_key(self, spec: tuple) -> str:
        """The key of a page of a source-keyed kind."""
        return self.key(SOURCE_KEYED_PAGES[spec[0]], self.sources(spec))

    def addresses(self, spec: tuple) -> tuple[PurePosixPath, PurePosixPath]:
        """The page `spec` names and the same page in the other language (for the source-keyed kinds)."""
        kind, lang, which, *number = spec  # the kinds split into pages (listing) add the page's number
        if kind == "briefing":
            which = self.model.briefings[which].key
        elif kind == "month":
            which = self.months[which]
        return page_path(kind, lang, which, *number), page_path(kind, _other(lang), which, *number)

    def sources(self, spec: tuple) -> tuple:
        """All a page of a source-keyed kind is made from besides code, config and templates.

        Articles are stood for by their digests (which cover everything the article holds), themes
        by their repr. A test renders every such page after each kind of edit and compares the bytes
        with a clean build: what a page shows must be in its sources. A page of a listing split into
        pages shows its own part of the listing (groups, items, whether each continues), the number of
        pages (its pager) and the neighbours it links to, not the other pages' items.
        """
        kind, lang, which, *number = spec
        by_slug = self.model.by_slug
        digests = self.digests
        if kind in ("article", "bilingual"):
            return kind, lang, which, self.article_sources(which)
        if number:
            paging = (number[0], len(self.listing(kind, which)[1]))
            part = self.listing_page(kind, which, number[0])
        if kind == "briefing":  # its part of the stories and sections, and their articles; the neighbours
            briefings = self.model.briefings
            briefing = briefings[which]
            shown = tuple((g, continued, tuple(self.story_sources(s) for s in items) if g == 0
                           else (self.theme_reprs.get(key), digests(items))) for g, key, items, continued in part)
            neighbours = [(b.key, b.start, b.end) for b in briefings[max(0, which - 1):which + 2] if b is not briefing]
            return kind, lang, paging, (briefing.key, briefing.start, briefing.end), shown, neighbours
        if kind == "story":  # the story, its articles and their themes
            story = self.model.story_by_id[which]
            return (kind, lang, self.story_sources(which),
                    tuple(self.theme_reprs.get(t) for s in story.slugs for t in by_slug[s].themes))
        if kind == "theme":  # the theme, the articles it lists, its count per month (intro, chart, years)
            listed = [e.slug for e in self.latest(which)] + [e.slug for e in self.theme_entries[which]
                                                             if e.meta.date is None]
            return (kind, lang, self.theme_reprs[which], digests(listed),
                    tuple((key, len(entries)) for key, entries in self.theme_months[which].items()))
        if kind == "theme_year":  # the theme, the year's count of articles, the page's part of them, its years
            theme_id, _, year = which.rpartition("/")
            listed = sum(len(items) for _, items in self.listing(kind, which)[0])
            return (kind, lang, paging, self.theme_reprs[theme_id], year, listed,
                    tuple((key, continued, digests(items)) for _, key, items, continued in part),
                    self.theme_years(theme_id))
        if kind == "month":  # the page's part of its articles, and the months before and after
            return (kind, lang, self.months[which], paging,
                    tuple((key, continued, digests(items)) for _, key, items, continued in part),
                    self.months[max(0, which - 1):which + 2])
        raise ValueError(f"{kind} pages are keyed by their recipe")

    def article_sources(self, slug: str) -> str:
        """A digest of the article, its themes and the articles it links to: the sources of its pages,
        made once for the four of them (article and bilingual, in both languages)."""
        made = self._article_sources.get(slug)
        if made is None:
            entry = self.model.by_slug[slug]
            sources = (entry.article.digest, tuple(self.theme_reprs.get(t) for t in entry.themes),
                       entry.related, self.digests(entry.related), entry.story and self.story_sources(entry.story))
            made = self._article_sources[slug] = hashlib.sha256(repr(sources).encode()).hexdigest()
        return made

    def story_sources(self, story_id: str) -> tuple:
        """A story and the articles it shows (headline, summary, list): what its card and page are made of."""
        story = self.model.story_by_id[story_id]
        return story, self.digests(story.slugs)

    def digests(self, slugs: Iterable[str]) -> tuple:
        """(slug, digest) of each article, None for a slug no article has."""
        by_slug = self.model.by_slug
        return tuple((s, by_slug[s].article.digest if s in by_slug else None) for s in slugs)

    def search_entry(self, lang: str, slug: str, record: SearchRecord | None) -> SearchEntry | None:
        """What the search index needs of an article page: None for an English page still waiting for
        its translation (it shows Arabic). The record shows only the article itself, so its key
        leaves out what else the page links to."""
        entry = self.model.by_slug[slug]
        if not is_indexed(entry, lang):
            return None
        date = entry.meta.date
        record_key = hashlib.sha256(f"{self.salt}\n{lang}\n{slug}\n{entry.article.digest}".encode()).hexdigest()[:32]
        return SearchEntry(href_path(page_path("article", lang, slug)), lang, slug, date.isoformat() if date else "",
                           record_key, record)

    # --- plumbing -------------------------------------------------------------------

    def html(self, recipe: PageRecipe) -> bytes:
        chrome = recipe.chrome
        lang, here = chrome.lang, chrome.path
        if recipe.rooted:
            def url(target: PurePosixPath) -> str:
                return rooted_url(self.config.base_url, target)
        else:
            def url(target: PurePosixPath) -> str:
                return relative_url(here, target)
        try:
            html = self.env.get_template(recipe.template).render(
                chrome=chrome, view=recipe.view, ui=UI[lang], site_title=self.site_title(lang), url=url,
                page_kind=recipe.template.removesuffix(".html"),
                phrase=lambda value: phrase(lang, value),
                lang_attrs=lambda other: lang_attributes(lang, other),
            )
        except TemplateError as error:
            raise BuildFailed([template_problem(error, self.config, page=here)]) from None
        return html.encode("utf-8")

    def chrome(self, lang: str, path: PurePosixPath, title: Text, *, counterpart: PurePosixPath,
               versions: Mapping[str, PurePosixPath] | None = None, default: PurePosixPath | None = None,
               description: str | None = None, section: str = "", og_type: str = "website",
               rooted: bool = False, published: str = "", json_ld: Markup = Markup(""),
               robots: str = "") -> Chrome:
        """The frame of a page. `counterpart` is the same page in the other language (the switcher's target);
        `versions` the hreflang targets when they are not this page and its counterpart (bilingual pages)."""
        other = _other(lang)
        language_versions = self.language_versions(versions or {lang: path, other: counterpart}, default)

        def href(target: PurePosixPath) -> str:
            if rooted:
                return rooted_url(self.config.base_url, target)
            return absolute_url(self.config.base_url, target) or relative_url(path, target)

        title_lang = title.lang or guess_language(title.value) or lang
        site_title = self.site_title(lang).value
        if title_lang != lang or title.value == site_title:
            document_title = title.value
        else:
            document_title = f"{title.value} | {site_title}"
        return Chrome(
            lang=lang, dir=DIRECTION[lang], path=path, title=title.value, document_title=document_title,
            title_lang=title_lang,
            description=description or self.site_description(lang), section=section,
            home=page_path("home", lang), themes=page_path("themes", lang), archive=page_path("archive", lang),
            stylesheet=page_path("static", key="style.css"),
            switch=Link(counterpart, Text(UI[other]["language_name"], other)),
            versions=language_versions, alternates=tuple((code, href(page)) for code, page in language_versions),
            canonical=None if rooted else absolute_url(self.config.base_url, path), og_type=og_type,
            search=search_path(lang), feeds=self.feed_links(lang if path.parts[0] in LANGUAGES else None),
            published=published, json_ld=json_ld, robots=robots,
        )

    def language_versions(self, versions: Mapping[str, PurePosixPath],
                          default: PurePosixPath | None = None) -> tuple[tuple[str, PurePosixPath], ...]:
        """(hreflang, page) for each language and x-default (the default language's page unless given)."""
        x_default = default or versions[self.config.default_language]
        return tuple((code, versions[code]) for code in LANGUAGES) + (("x-default", x_default),)

    def feed_links(self, lang: str | None) -> tuple[Link, ...]:
        """The page's own language feed; pages outside both languages (the root) announce both."""
        codes = (lang,) if lang else (self.config.default_language, _other(self.config.default_language))
        return tuple(Link(feed_path(code), Text(UI[code]["feed_title"].format(site=self.site_title(code).value),
                                                code))
                     for code in codes)

    def site_title(self, lang: str) -> Text:
        return Text(self.config.title_ar if lang == "ar" else self.config.title_en)

    def site_description(self, lang: str) -> str:
        text = self.config.description_ar if lang == "ar" else self.config.description_en
        return text or UI[lang]["default_description"]

    def date_text(self, date: dt.date | None, lang: str) -> str:
        return format_date(date, lang, self.config.digits) if date else ""

    def month_text(self, key: str, lang: str) -> str:
        return format_month(int(key[:4]), int(key[5:7]), lang, self.config.digits)

    # --- shared pieces ----------------------------------------------------------------

    def card(self, entry: Entry, lang: str, teaser: bool = False) -> Card:
        """An article as an item of a list; with `teaser`, the first sentence of its summary too."""
        english = entry.article.translated.english
        pending = lang == "en" and english is None
        if lang == "en" and english is not None:
            title = Text(english.title, "en")
        else:
            title = Text(entry.meta.title, "ar")
        date = entry.meta.date
        summary = entry.article.summary
        first = None
        if teaser:
            if lang == "en" and summary.english:
                first = Text(summary.english[0], "en")
            elif summary.arabic:
                first = Text(summary.arabic[0], "ar")
        return Card(page_path("article", lang, entry.slug), title, entry.meta.source,
                    date.isoformat() if date else "", self.date_text(date, lang), pending, first)

    def story_card(self, story_id: str, lang: str) -> StoryCard:
        """A story's headline, coverage, outlets and summary, in English from the translations (or
        in Arabic, marked pending, while they wait)."""
        story = self.model.story_by_id[story_id]
        by_slug = self.model.by_slug
        lead = by_slug[story.headline]
        english = lead.article.translated.english
        headline = Text(english.title, "en") if lang == "en" and english is not None else Text(lead.meta.title, "ar")
        arabic = tuple(by_slug[slug].article.summary.arabic[k] for slug, k in story.summary)
        translated = [by_slug[slug].article.summary.english for slug, _ in story.summary]
        complete = all(k < len(sentences) for (_, k), sentences in zip(story.summary, translated))
        if lang == "en" and complete:
            summary, summary_lang = tuple(sentences[k] for (_, k), sentences in zip(story.summary, translated)), "en"
        else:
            summary, summary_lang = arabic, "ar"
        machine = summary_lang == "en" and any(
            by_slug[slug].article.translated.english.origin == "machine" for slug, _ in story.summary)
        coverage = UI[lang]["coverage"].format(articles=count_articles(len(story.slugs), lang, self.config.digits),
                                               outlets=count_outlets(len(story.outlets), lang, self.config.digits))
        return StoryCard(page_path("story", lang, story.id), headline, coverage, story.outlets, summary,
                         summary_lang, machine, lang == "en" and summary_lang != "en")

    def cards(self, slugs: Iterable[str], lang: str) -> tuple[Card, ...]:
        """Stories for the slugs the model knows; links to articles no longer in the site are dropped."""
        return tuple(self.card(self.model.by_slug[s], lang) for s in slugs if s in self.model.by_slug)

    def theme_name(self, theme: Theme, lang: str) -> Text:
        return Text(theme.name_ar if lang == "ar" else theme.name_en)

    def theme_link(self, theme: Theme, lang: str) -> Link:
        return Link(page_path("theme", lang, theme.id), self.theme_name(theme, lang))

    def briefing_heading(self, briefing: Briefing, lang: str) -> str:
        return briefing_heading(briefing, lang, self.config)

    def briefing_link(self, briefing: Briefing, lang: str) -> Link:
        return Link(page_path("briefing", lang, briefing.key), Text(self.briefing_heading(briefing, lang), lang))

    # --- briefings and home --------------------------------------------------------------

    def briefing_view(self, index: int, lang: str, number: int = 1) -> BriefingView:
        """Page `number` of a briefing: its part of the stories and of the sections, and its pager."""
        briefings = self.model.briefings
        briefing = briefings[index]
        stories: tuple[StoryCard, ...] = ()
        stories_continued, sections, first_section = False, [], None
        for group, theme_id, items, continued in self.listing_page("briefing", index, number):
            if group == 0:
                stories, stories_continued = tuple(self.story_card(story_id, lang) for story_id in items), continued
                continue
            first_section = (group, continued) if first_section is None else first_section
            sections.append(SectionView(self.theme_link(self.themes[theme_id], lang),
                                        tuple(self.card(self.model.by_slug[s], lang, teaser=True) for s in items),
                                        continued))
        return BriefingView(
            heading=self.briefing_heading(briefing, lang),
            path=page_path("briefing", lang, briefing.key, number),
            stories_heading=UI[lang]["stories_weekly" if self.config.briefing_period == "weekly" else "stories"],
            stories=stories,
            sections=tuple(sections),
            newer=self.briefing_link(briefings[index - 1], lang) if index > 0 else None,
            older=self.briefing_link(briefings[index + 1], lang) if index + 1 < len(briefings) else None,
            stories_continued=stories_continued,
            singles_continued=first_section is not None and first_section != (1, False),
            pager=self.pager("briefing", lang, briefing.key, number, len(self.page_numbers("briefing", index))),
        )

    def briefing_page(self, lang: str, index: int, number: int = 1) -> PageRecipe:
        view = self.briefing_view(index, lang, number)
        key = self.model.briefings[index].key
        chrome = self.chrome(lang, view.path, paged_title(Text(view.heading, lang), view.pager),
                             counterpart=page_path("briefing", _other(lang), key, number))
        return PageRecipe("briefing.html", chrome, view)

    def home_page(self, lang: str) -> PageRecipe:
        """The first page of the latest briefing, a link to its next page, and the briefings before it."""
        path = page_path("home", lang)
        briefings = self.model.briefings
        latest = self.briefing_view(0, lang) if briefings else None
        earlier = tuple(self.briefing_link(b, lang) for b in briefings[1:1 + EARLIER_BRIEFINGS_ON_HOME])
        chrome = self.chrome(lang, path, self.site_title(lang), counterpart=page_path("home", _other(lang)),
                             default=page_path("root"), section="home")
        next_page = None
        if latest and latest.pager:
            digits = self.config.digits
            text = UI[lang]["more_of_briefing"].format(page=format_number(2, lang, digits),
                                                       count=format_number(latest.pager.count, lang, digits))
            next_page = Link(latest.pager.next, Text(text, lang))
        view = HomeView(latest, earlier, more_in_archive=len(briefings) > 1 + EARLIER_BRIEFINGS_ON_HOME,
                        next_page=next_page)
        return PageRecipe("home.html", chrome, view)

    def root_page(self) -> PageRecipe:
        lang = self.config.default_language
        panels = []
        for panel_lang in (lang, _other(lang)):
            briefings = self.model.briefings
            latest = self.briefing_link(briefings[0], panel_lang) if briefings else None
            headlines = tuple(self.card(e, panel_lang) for e in self.model.entries[:HEADLINES_ON_ROOT])
            panels.append(Panel(panel_lang, DIRECTION[panel_lang], self.site_title(panel_lang),
                                self.site_description(panel_lang), page_path("home", panel_lang), latest,
                                headlines, page_path("themes", panel_lang), page_path("archive", panel_lang),
                                UI[panel_lang]))
        root = page_path("root")
        chrome = self.chrome(lang, root, self.site_title(lang), counterpart=page_path("home", _other(lang)),
                             versions={code: page_path("home", code) for code in LANGUAGES}, default=root)
        return PageRecipe("root.html", chrome, tuple(panels))

    def not_found_page(self, lang: str) -> PageRecipe:
        path = page_path("not-found", lang)
        chrome = self.chrome(lang, path, Text(UI[lang]["not_found"], lang),
                             counterpart=page_path("not-found", _other(lang)),
                             default=page_path("not-found"), rooted=True)
        return PageRecipe("404.html", chrome, (_not_found_text(lang),), rooted=True)

    def search_page(self, lang: str) -> PageRecipe:
        path = search_path(lang)
        ui = UI[lang]
        archive = Markup('<a href="{}">{}</a>').format(relative_url(path, page_path("archive", lang)),
                                                        ui["search_archive"])
        themes = Markup('<a href="{}">{}</a>').format(relative_url(path, page_path("themes", lang)),
                                                       ui["search_themes"])
        view = SearchView(
            needs_js=escape(ui["search_needs_js"]).format(archive=archive, themes=themes),
            archive=page_path("archive", lang),
            script=page_path("static", key="search.js"), stylesheet=page_path("static", key="search.css"),
            indexes=search_index_list(lang), fold=script_json(fold_table()),
            arabic_indic=lang == "ar" and self.config.digits == "arabic-indic",
        )
        chrome = self.chrome(lang, path, Text(UI[lang]["search"], lang), counterpart=search_path(_other(lang)),
                             robots="noindex")
        return PageRecipe("search.html", chrome, view)

    def root_not_found_page(self) -> PageRecipe:
        lang = self.config.default_language
        path = page_path("not-found")
        chrome = self.chrome(lang, path, Text(UI[lang]["not_found"], lang),
                             counterpart=page_path("not-found", _other(lang)),
                             versions={code: page_path("not-found", code) for code in LANGUAGES},
                             default=path, rooted=True)
        return PageRecipe("404.html", chrome, (_not_found_text(lang), _not_found_text(_other(lang))), rooted=True)

    # --- articles ------------------------------------------------------------------------

    def article_view(self, entry: Entry, lang: str) -> ArticleView:
        translated = entry.article.translated
        english = translated.english
        summary = entry.article.summary
        meta = entry.meta
        if lang == "en" and english is not None:
            title, blocks, body_lang = Text(english.title, "en"), english.blocks, "en"
        else:
            title, blocks, body_lang = Text(meta.title, "ar"), translated.clean.blocks, "ar"
        if lang == "en" and summary.english:
            summary_lines, summary_lang = summary.english, "en"
        else:
            summary_lines, summary_lang = summary.arabic, "ar"
        return ArticleView(
            title=title,
            date_iso=meta.date.isoformat() if meta.date else "",
            date_text=self.date_text(meta.date, lang),
            source=meta.source, source_url=web_url(meta.url), author=meta.author,
            themes=tuple(self.theme_link(self.themes[t], lang) for t in entry.themes if t in self.themes),
            notice=_translation_notice(english) if lang == "en" else Markup(""),
            notice_kind=_translation_kind(english) if lang == "en" else "",
            summary=summary_lines, summary_lang=summary_lang,
            body=group_blocks(blocks), body_lang=body_lang,
            related=self.cards(entry.related, lang),
            story=self.story_card(entry.story, lang) if entry.story else None,
            story_articles=self.cards((s for s in self.model.story_by_id[entry.story].slugs if s != entry.slug), lang)
            if entry.story else (),
            bilingual=page_path("bilingual", lang, entry.slug) if english is not None else None,
        )

    def article_page(self, lang: str, slug: str) -> PageRecipe:
        entry = self.model.by_slug[slug]
        view = self.article_view(entry, lang)
        if view.summary_lang == lang and view.summary:
            description = " ".join(view.summary)
        else:
            description = None
        chrome = self.chrome(lang, page_path("article", lang, entry.slug), view.title,
                             counterpart=page_path("article", _other(lang), entry.slug),
                             description=description, og_type="article", published=view.date_iso,
                             json_ld=script_json(self.article_data(entry, lang, view)))
        return PageRecipe("article.html", chrome, view, search=search_record(chrome, view, entry))

    def article_data(self, entry: Entry, lang: str, view: ArticleView) -> dict:
        """schema.org NewsArticle for search engines. inLanguage is the language of the text shown, so an
        English page still waiting for its translation is described as the Arabic text it carries."""
        base_url = self.config.base_url
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": view.title.value,
            "inLanguage": view.body_lang,
            "url": page_url(base_url, page_path("article", lang, entry.slug)),
        }
        if view.summary and view.summary_lang == view.body_lang:
            data["description"] = " ".join(view.summary)
        if view.date_iso:
            data["datePublished"] = view.date_iso
        if entry.meta.author:
            data["author"] = {"@type": "Person", "name": entry.meta.author}
        if entry.meta.source:
            data["sourceOrganization"] = {"@type": "Organization", "name": entry.meta.source}
        data["publisher"] = {"@type": "Organization", "name": self.site_title(lang).value,
                             "url": page_url(base_url, page_path("home", lang))}
        if view.body_lang != "ar":
            data["isBasedOn"] = {"@type": "NewsArticle", "headline": entry.meta.title, "inLanguage": "ar",
                                 "url": page_url(base_url, page_path("article", "ar", entry.slug))}
        elif view.source_url:
            data["isBasedOn"] = view.source_url
        return data

    def bilingual_page(self, lang: str, slug: str) -> PageRecipe:
        entry = self.model.by_slug[slug]
        english = entry.article.translated.english
        arabic_title, english_title = Text(entry.meta.title, "ar"), Text(english.title, "en")
        arabic_blocks, english_blocks = entry.article.translated.clean.blocks, english.blocks
        arabic, translated = group_blocks_each(arabic_blocks), group_blocks_each(english_blocks)
        rows = []
        for ar_range, en_range in align_paragraphs([len(b.text) for b in arabic_blocks],
                                                   [len(b.text) for b in english_blocks]):
            ar_cell = Cell("ar", tuple(arabic[i] for i in ar_range))
            en_cell = Cell("en", tuple(translated[i] for i in en_range))
            rows.append((ar_cell, en_cell) if lang == "ar" else (en_cell, ar_cell))
        view = BilingualView(
            title=arabic_title if lang == "ar" else english_title,
            other_title=english_title if lang == "ar" else arabic_title,
            article=page_path("article", lang, entry.slug),
            notice=_translation_notice(english, lang),
            notice_kind=_translation_kind(english),
            rows=tuple(rows),
        )
        chrome = self.chrome(lang, page_path("bilingual", lang, entry.slug), view.title,
                             counterpart=page_path("bilingual", _other(lang), entry.slug))
        return PageRecipe("bilingual.html", chrome, view)

    # --- stories --------------------------------------------------------------------------

    def story_page(self, lang: str, story_id: str) -> PageRecipe:
        """A story: its headline, how widely it was covered, a summary across its articles, and its
        articles day by day."""
        story = self.model.story_by_id[story_id]
        entries = [self.model.by_slug[slug] for slug in story.slugs]
        by_day: dict[dt.date, list[Entry]] = defaultdict(list)
        for entry in entries:
            by_day[entry.meta.date].append(entry)
        timeline = tuple(MonthGroup(self.date_text(day, lang), None, tuple(self.card(e, lang) for e in listed))
                         for day, listed in sorted(by_day.items()))
        days = sorted(by_day)
        first, last = self.date_text(days[0], lang), self.date_text(days[-1], lang)
        span = first if first == last else UI[lang]["in_range"].format(first=first, last=last)
        themes = dict.fromkeys(t for entry in entries for t in entry.themes if t in self.themes)
        card = self.story_card(story_id, lang)
        view = StoryView(card, span, tuple(self.theme_link(self.themes[t], lang) for t in themes), timeline)
        description = " ".join(card.summary) if card.summary_lang == lang and card.summary else None
        chrome = self.chrome(lang, card.path, card.headline, counterpart=page_path("story", _other(lang), story_id),
                             description=description)
        return PageRecipe("story.html", chrome, view)

    # --- themes ---------------------------------------------------------------------------

    def theme_page(self, lang: str, theme_id: str) -> PageRecipe:
        """A theme's own page: how many articles and when (a chart of every month), its THEME_LATEST
        newest articles and its undated ones. A theme with more dated articles also has a page for each
        year, listing them all: the page a new article changes stays a year long, not an archive long."""
        theme = self.themes[theme_id]
        entries = self.theme_entries[theme.id]
        months = self.theme_months[theme.id]
        keys = list(months)
        dated = sum(len(listed) for listed in months.values())
        name = self.theme_name(theme, lang)
        ui = UI[lang]
        intro = count_articles(len(entries), lang, self.config.digits)
        if keys:
            first, last = self.month_text(keys[0], lang), self.month_text(keys[-1], lang)
            span = ui["in_month"].format(month=first) if first == last else ui["in_range"].format(first=first,
                                                                                               last=last)
            intro = f"{intro} {span}" if lang == "ar" else f"{intro}, {span}"
        if dated < len(entries):
            undated = count_articles(len(entries) - dated, lang, self.config.digits)
            intro = f"{intro} {ui['undated_count'].format(count=undated)}"
        counts = [(k, len(months.get(k, ()))) for k in (month_span(keys[0], keys[-1]) if keys else [])]
        chart = theme_chart(counts, lang=lang, digits=self.config.digits,
                            label=f"{name.value}: {ui['per_month']}") if counts else ""
        view = ThemeView(
            name=name, year="", theme=None, intro=intro, chart=Markup(chart),
            years=self.year_links(theme.id, lang), months=self.month_groups(self.latest(theme.id), lang),
            undated=tuple(self.card(e, lang) for e in entries if e.meta.date is None),
        )
        chrome = self.chrome(lang, page_path("theme", lang, theme.id), name,
                             counterpart=page_path("theme", _other(lang), theme.id), section="themes")
        return PageRecipe("theme.html", chrome, view)

    def theme_year_page(self, lang: str, key: str, number: int = 1) -> PageRecipe:
        """All the articles of a theme in one year (`key` from theme_year_key), page `number` of them."""
        theme_id, _, year = key.rpartition("/")
        theme = self.themes[theme_id]
        name = self.theme_name(theme, lang)
        shown_year = format_number(int(year), lang, self.config.digits)
        groups, pages = self.listing("theme_year", key)
        count = count_articles(sum(len(items) for _, items in groups), lang, self.config.digits)
        months = tuple(MonthGroup(self.month_text(month, lang), page_path("month", lang, month),
                                  self.cards(items, lang), continued)
                       for _, month, items, continued in self.listing_page("theme_year", key, number))
        view = ThemeView(
            name=name, year=shown_year, theme=self.theme_link(theme, lang),
            intro=f"{count} {UI[lang]['in_year'].format(year=shown_year)}", chart=Markup(""),
            years=self.year_links(theme_id, lang, current=year), months=months, undated=(),
            pager=self.pager("theme_year", lang, key, number, len(pages)),
        )
        chrome = self.chrome(lang, page_path("theme_year", lang, key, number),
                             paged_title(Text(f"{name.value} {shown_year}", name.lang), view.pager),
                             counterpart=page_path("theme_year", _other(lang), key, number), section="themes")
        return PageRecipe("theme.html", chrome, view)

    def latest(self, theme_id: str) -> list[Entry]:
        """The theme's THEME_LATEST newest dated articles, newest first."""
        months = self.theme_months[theme_id]
        return [entry for key in reversed(months) for entry in months[key]][:THEME_LATEST]

    def theme_years(self, theme_id: str) -> list[str]:
        """The years with a page of their own, newest first: every year of a theme with more than
        THEME_LATEST dated articles, none for the others (their own page lists them all)."""
        months = self.theme_months[theme_id]
        if sum(len(listed) for listed in months.values()) <= THEME_LATEST:
            return []
        return sorted({key[:4] for key in months}, reverse=True)

    def year_entries(self, theme_id: str, year: str) -> list[Entry]:
        """The theme's articles of one year, newest first."""
        months = self.theme_months[theme_id]
        return [entry for key in reversed(months) if key[:4] == year for entry in months[key]]

    def year_links(self, theme_id: str, lang: str, current: str = "") -> tuple[YearLink, ...]:
        """Links to the theme's year pages, newest first; `current` is the year of the page showing them."""
        return tuple(YearLink(Link(page_path("theme_year", lang, theme_year_key(theme_id, year)),
                                   Text(format_number(int(year), lang, self.config.digits), lang)), year == current)
                     for year in self.theme_years(theme_id))

    def month_groups(self, entries: list[Entry], lang: str) -> tuple[MonthGroup, ...]:
        """Dated articles, newest first, under the month they appeared in."""
        by_month: dict[str, list[Entry]] = {}
        for entry in entries:
            by_month.setdefault(month_key(entry.meta.date), []).append(entry)
        return tuple(MonthGroup(self.month_text(key, lang), page_path("month", lang, key),
                                tuple(self.card(e, lang) for e in listed)) for key, listed in by_month.items())

    def themes_page(self, lang: str) -> PageRecipe:
        summaries = tuple(
            ThemeSummary(self.theme_link(theme, lang),
                         count_articles(len(self.theme_entries[theme.id]), lang, self.config.digits),
                         self.card(self.theme_entries[theme.id][0], lang) if self.theme_entries[theme.id] else None)
            for theme in self.model.themes)
        chrome = self.chrome(lang, page_path("themes", lang), Text(UI[lang]["themes"], lang),
                             counterpart=page_path("themes", _other(lang)), section="themes")
        return PageRecipe("themes.html", chrome, summaries)

    # --- archive --------------------------------------------------------------------------

    def archive_page(self, lang: str) -> PageRecipe:
        years: dict[str, list[MonthSummary]] = defaultdict(list)
        for key in self.months:
            link = Link(page_path("month", lang, key), Text(self.month_text(key, lang), lang))
            years[key[:4]].append(MonthSummary(link, count_articles(len(self.month_entries[key]), lang,
                                                                    self.config.digits)))
        charted = self.charted_themes()
        themes_count = format_number(len(self.model.themes), lang, self.config.digits)
        view = ArchiveView(
            years=tuple((format_number(int(y), lang, self.config.digits), tuple(m)) for y, m in years.items()),
            charts=self.archive_charts(charted, lang),
            all_themes=(Link(page_path("themes", lang), Text(UI[lang]["all_themes"].format(count=themes_count), lang))
                        if len(charted) < len(self.model.themes) else None),
            undated=self.cards(self.model.undated, lang),
        )
        chrome = self.chrome(lang, page_path("archive", lang), Text(UI[lang]["archive"], lang),
                             counterpart=page_path("archive", _other(lang)), section="archive")
        return PageRecipe("archive.html", chrome, view)

    def charted_themes(self) -> list[Theme]:
        """The ARCHIVE_CHARTS themes with the most articles, in the site's order of themes: small
        multiples stay readable when clustering has made hundreds of themes."""
        largest = sorted(self.model.themes, key=lambda theme: -len(self.theme_entries[theme.id]))[:ARCHIVE_CHARTS]
        ids = {theme.id for theme in largest}
        return [theme for theme in self.model.themes if theme.id in ids]

    def archive_charts(self, themes: list[Theme], lang: str) -> tuple[Figure, ...]:
        """Small multiples: one chart per theme over the whole site's months, all on one scale."""
        if not self.months:
            return ()
        span = month_span(self.months[-1], self.months[0])
        per_theme = {theme.id: [(k, len(self.theme_months[theme.id].get(k, ()))) for k in span] for theme in themes}
        scale = max((c for counts in per_theme.values() for _, c in counts), default=1)
        figures = []
        for theme in themes:
            link = self.theme_link(theme, lang)
            label = f"{link.text.value}: {UI[lang]['per_month']}"
            chart = theme_chart(per_theme[theme.id], lang=lang, digits=self.config.digits, label=label,
                                scale_max=scale, width=480)
            figures.append(Figure(link, Markup(chart)))
        return tuple(figures)

    def month_page(self, lang: str, index: int, number: int = 1) -> PageRecipe:
        """Page `number` of a month's articles, under the day they appeared, newest first."""
        key = self.months[index]
        days = tuple(MonthGroup(self.date_text(day, lang), None, self.cards(items, lang), continued)
                     for _, day, items, continued in self.listing_page("month", index, number))

        def month_link(i: int) -> Link:
            return Link(page_path("month", lang, self.months[i]), Text(self.month_text(self.months[i], lang), lang))

        view = MonthView(self.month_text(key, lang), days,
                         newer=month_link(index - 1) if index > 0 else None,
                         older=month_link(index + 1) if index + 1 < len(self.months) else None,
                         pager=self.pager("month", lang, key, number, len(self.page_numbers("month", index))))
        chrome = self.chrome(lang, page_path("month", lang, key, number),
                             paged_title(Text(view.heading, lang), view.pager),
                             counterpart=page_path("month", _other(lang), key, number), section="archive")
        return PageRecipe("month.html", chrome, view)


def article_page_kinds(entry: Entry) -> tuple[str, ...]:
    """An article's pages in each language: its own, and the bilingual view once it has English."""
    return ("article", "bilingual") if entry.article.translated.english is not None else ("article",)


def is_indexed(entry: Entry, lang: str) -> bool:
    """Whether the search index of `lang` holds the article: not while its English page shows the
    Arabic text, waiting for a translation."""
    return lang == "ar" or entry.article.translated.english is not None


def search_record(chrome: Chrome, view: ArticleView, entry: Entry) -> SearchRecord | None:
    """What the search index holds of an article page: its text, in the page's language."""
    if not is_indexed(entry, chrome.lang):
        return None
    blocks = entry.article.translated.english.blocks if view.body_lang == "en" else \
        entry.article.translated.clean.blocks
    summary = view.summary if view.summary_lang == view.body_lang else ()
    text = " ".join([*summary, *(block.text for block in blocks)])
    return SearchRecord(href=relative_url(search_path(chrome.lang), chrome.path), language=chrome.lang,
                        content=normalize(text), title=view.title.value, date=view.date_text, datetime=view.date_iso,
                        summary=" ".join(summary))


def group_blocks_each(blocks: Iterable[Block]) -> tuple[BlockGroup, ...]:
    """One group per block (list items stay single), so block i of each language can sit side by side."""
    return tuple(BlockGroup("ul" if b.kind == "li" else b.kind, (block_content(b),)) for b in blocks)


def _translation_kind(english: EnglishVersion | None) -> str:
    return "pending" if english is None else english.origin


def _translation_notice(english: EnglishVersion | None, lang: str = "en") -> Markup:
    """Who made the English text: pending, the editors, or a named machine translation model."""
    ui = UI[lang]
    if english is None:
        return escape(ui["pending"])
    if english.origin == "editor":
        return escape(ui["editor"])
    return escape(ui["machine"]).format(credit=Markup("<bdi>{}</bdi>").format(english.credit))


def _not_found_text(lang: str) -> NotFoundText:
    ui = UI[lang]
    return NotFoundText(lang, DIRECTION[lang], ui["not_found"], ui["not_found_text"], ui["go_home"],
                        page_path("home", lang))


def _other(lang: str) -> str:
    return "en" if lang == "ar" else "ar"
