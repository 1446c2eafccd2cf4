"""Publishing files beside the HTML pages: Atom feeds, the sitemap, robots.txt, .nojekyll and CNAME.

Nothing here reads the clock: a feed's <updated> is its newest item's date, so the same content
always gives the same bytes (and an unchanged site rewrites no file).

Addresses: with an absolute base_url (what the GitHub Pages workflow passes) feeds and the sitemap
use full URLs, and feed ids are those URLs. With a path-only base_url ("/" or "/briefing/", local
builds) links are paths from the server root and ids are tag: URIs — "tag:<domain or localhost>,
2000:<page address>" — so they stay absolute and stable; the sitemap then lists paths, which
search engines only accept once the build knows its host.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import islice
from pathlib import PurePosixPath
from xml.sax.saxutils import escape as xml_escape

from feedgen.feed import FeedGenerator

from .config import SiteConfig
from .pages.site import briefing_heading, feed_path, page_url
from .structure import BriefingSection, Diagnostic, Entry, Page, SiteModel, format_size
from .urls import LANGUAGES, absolute_url, href_path, page_path

FEED_ARTICLES = 30
FEED_BRIEFINGS = 10
GENERATOR_NAME = "briefing-generator"
TAG_DATE = "2000"  # the date part of tag: ids; fixed, so an id never changes
_NO_DATE = dt.date(1970, 1, 1)  # a feed with no dated item still needs an <updated>
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
SIZE_WARNING = 0.75  # share of publish.size_limit past which the build warns
# sitemaps.org allows 50,000 addresses and 50 MB (uncompressed) per sitemap: a tenth is left spare,
# so a site that grows by a few pages between builds does not cross the limit unnoticed.
SITEMAP_URLS = 45_000
SITEMAP_BYTES = 45_000_000  # the entries' characters: their hreflang links are ASCII or %-escaped


@dataclass(frozen=True)
class FeedItem:
    """One feed entry: an article or a briefing, in one language."""

    path: PurePosixPath
    title: str
    summary: str
    date: dt.date
    categories: tuple[tuple[str, str], ...] = ()  # (theme id, theme name)


def publish_pages(model: SiteModel, config: SiteConfig, sitemap: list[tuple[str, str]]) -> list[Page]:
    """The extra files GitHub Pages, feed readers and crawlers need, derived from the model and the
    HTML pages' `sitemap` entries, (path, <url> element)."""
    extra = [feed_page(model, config, lang) for lang in LANGUAGES]
    extra += sitemap_pages(sitemap, config.base_url, config.default_language)
    extra.append(robots_page(config))
    extra.append(Page(PurePosixPath(".nojekyll"), b""))  # serve files as they are, without Jekyll
    if config.domain:
        extra.append(Page(PurePosixPath("CNAME"), f"{config.domain}\n".encode()))
    return extra


# --- feeds -------------------------------------------------------------------------------


def feed_items(model: SiteModel, config: SiteConfig, lang: str) -> list[FeedItem]:
    """The latest dated articles and briefings in `lang`, newest first.

    The English feed leaves out articles whose translation is pending, and briefings that have no
    English story summaries or titles yet: a feed entry is read away from the site, where no notice explains the Arabic.
    """
    names = {t.id: (t.name_ar if lang == "ar" else t.name_en) for t in model.themes}
    articles = list(islice((item for entry in model.entries if entry.meta.date is not None
                            if (item := _article_item(entry, lang, names)) is not None), FEED_ARTICLES))
    briefings = []
    for briefing in model.briefings[:FEED_BRIEFINGS]:
        lines = [line for story_id in briefing.stories if (line := _story_line(model, story_id, lang))]
        lines += [line for section in briefing.sections if (line := _section_line(model, section, names, lang))]
        if lines:
            briefings.append(FeedItem(page_path("briefing", lang, briefing.key),
                                      briefing_heading(briefing, lang, config), "\n".join(lines), briefing.end))
    return sorted(articles + briefings, key=lambda item: (item.date, item.path.as_posix()), reverse=True)


def _story_line(model: SiteModel, story_id: str, lang: str) -> str:
    """A story as one line of a briefing's feed entry: headline, then its summary; empty in English
    until its headline and summary are translated."""
    story = model.story_by_id[story_id]
    lead = model.by_slug[story.headline]
    places = [(model.by_slug[slug].article, k) for slug, k in story.summary]
    if lang == "ar":
        return f"{lead.meta.title}: {' '.join(record.summary_arabic[k] for record, k in places)}"
    english = lead.article.english_title
    if english is None or any(k >= len(record.summary_english) for record, k in places):
        return ""
    return f"{english}: {' '.join(record.summary_english[k] for record, k in places)}"


def _section_line(model: SiteModel, section: BriefingSection, names: dict[str, str], lang: str) -> str:
    """A theme's articles of no story as one line: the theme, then their titles (in English only
    the translated ones)."""
    titles = []
    for slug in section.slugs:
        entry = model.by_slug[slug]
        english = entry.article.english_title
        if lang == "ar":
            titles.append(entry.meta.title)
        elif english is not None:
            titles.append(english)
    separator = "؛ " if lang == "ar" else "; "
    return f"{names[section.theme_id]}: {separator.join(titles)}" if titles and section.theme_id in names else ""


def _article_item(entry: Entry, lang: str, names: dict[str, str]) -> FeedItem | None:
    english = entry.article.english_title
    if lang == "en":
        if english is None:
            return None
        title, sentences = english, entry.article.summary_english
    else:
        title, sentences = entry.meta.title, entry.article.summary_arabic
    categories = tuple((theme, names[theme]) for theme in entry.themes if theme in names)
    return FeedItem(page_path("article", lang, entry.slug), title, " ".join(sentences), entry.meta.date, categories)


def feed_page(model: SiteModel, config: SiteConfig, lang: str) -> Page:
    """The Atom feed of one language, as <lang>/feed.xml."""
    items = feed_items(model, config, lang)
    title = config.title_ar if lang == "ar" else config.title_en
    description = config.description_ar if lang == "ar" else config.description_en
    feed = FeedGenerator()
    feed.id(_feed_id(config, feed_path(lang)))
    feed.title(title)
    if description:
        feed.subtitle(description)
    feed.author({"name": title})
    feed.language(lang)
    feed.link(href=page_url(config.base_url, feed_path(lang)), rel="self", type="application/atom+xml")
    feed.link(href=page_url(config.base_url, page_path("home", lang)), rel="alternate", type="text/html")
    feed.generator(GENERATOR_NAME)
    feed.updated(_timestamp(items[0].date if items else _NO_DATE))
    for item in items:
        entry = feed.add_entry(order="append")
        entry.id(_feed_id(config, item.path))
        entry.title(item.title)
        entry.link(href=page_url(config.base_url, item.path))  # rel="alternate", the Atom default
        entry.published(_timestamp(item.date))
        entry.updated(_timestamp(item.date))
        if item.summary:
            entry.summary(item.summary)
        for term, label in item.categories:
            entry.category(term=term, label=label)
    return Page(feed_path(lang), feed.atom_str(pretty=True))


def _feed_id(config: SiteConfig, path: PurePosixPath) -> str:
    authority = config.domain or "localhost"
    return absolute_url(config.base_url, path) or f"tag:{authority},{TAG_DATE}:{href_path(path)}"


def _timestamp(date: dt.date) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(), tzinfo=dt.timezone.utc)


# --- sitemap and robots.txt ----------------------------------------------------------------


def sitemap_pages(pages: list[tuple[str, str]], base_url: str, default_language: str, limit: int | None = None
                  ) -> list[Page]:
    """sitemap.xml: every HTML page but the 404s and noindex pages, with the hreflang alternates each
    page declares in its <head>. Each page's element comes from the render stage (made on the
    workers); here they are put in path order. Written as text: at 40,000 pages a tree of elements
    costs seconds.

    A sitemap may list 50,000 addresses and weigh 50 MB (sitemaps.org). Past `limit` addresses
    (SITEMAP_URLS, with room to spare) or SITEMAP_BYTES, sitemap.xml becomes an index of one sitemap per
    language (`sitemap-ar.xml`; the landing page goes with the default language's), each cut into
    numbered parts in path order if it is still too big. robots.txt names sitemap.xml either way."""
    limit = limit or SITEMAP_URLS
    entries = sorted((path, entry) for path, entry in pages if entry)
    if len(entries) <= limit and sum(len(entry) for _, entry in entries) < SITEMAP_BYTES:
        return [_urlset(PurePosixPath("sitemap.xml"), [entry for _, entry in entries])]
    by_language: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    for path, entry in entries:
        folder = path.partition("/")[0]
        by_language[folder if folder in by_language else default_language].append(entry)
    files = []
    for lang, listed in by_language.items():
        parts = _parts(listed, limit)
        for number, part in enumerate(parts, start=1):
            name = f"sitemap-{lang}.xml" if len(parts) == 1 else f"sitemap-{lang}-{number}.xml"
            files.append(_urlset(PurePosixPath(name), part))
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", f'<sitemapindex xmlns="{SITEMAP_NS}">']
    lines += [f"<sitemap><loc>{xml_escape(page_url(base_url, file.path))}</loc></sitemap>" for file in files]
    lines.append("</sitemapindex>\n")
    return [Page(PurePosixPath("sitemap.xml"), "\n".join(lines).encode("utf-8")), *files]


def _parts(entries: list[str], limit: int) -> list[list[str]]:
    """Consecutive runs of entries, each at most `limit` of them and under SITEMAP_BYTES."""
    parts: list[list[str]] = [[]]
    size = 0
    for entry in entries:
        if len(parts[-1]) == limit or size + len(entry) >= SITEMAP_BYTES:
            parts.append([])
            size = 0
        parts[-1].append(entry)
        size += len(entry) + 1
    return [part for part in parts if part]


def _urlset(path: PurePosixPath, entries: list[str]) -> Page:
    lines = ["<?xml version='1.0' encoding='UTF-8'?>", f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    lines += entries
    lines.append("</urlset>\n")
    return Page(path, "\n".join(lines).encode("utf-8"))


def size_problems(size: int, config: SiteConfig) -> list[Diagnostic]:
    """A warning once the site passes SIZE_WARNING of `publish.size_limit` (GitHub Pages refuses sites over
    1 GB), an error past the limit itself: the host would refuse the deploy, so it is not published."""
    if size <= config.size_limit * SIZE_WARNING:
        return []
    share = f"{format_size(size)}, {size / config.size_limit:.0%} of publish.size_limit ({format_size(config.size_limit)})"
    if size > config.size_limit:
        return [Diagnostic("error", "site.yaml", f"the site would be {share}: the host would refuse it",
                           hint="raise publish.size_limit if your host allows more, or split the archive "
                                "into sites by year")]
    return [Diagnostic("warning", "site.yaml", f"the site is {share}",
                       hint="GitHub Pages publishes at most 1 GB: plan to split the archive into sites by year")]


def robots_page(config: SiteConfig) -> Page:
    """robots.txt: everything may be crawled; the sitemap is named when its full URL is known."""
    lines = ["User-agent: *", "Allow: /"]
    sitemap = absolute_url(config.base_url, PurePosixPath("sitemap.xml"))
    if sitemap:
        lines.append(f"Sitemap: {sitemap}")
    else:
        lines.append("# Build with an absolute --base-url to name the sitemap here.")
    return Page(PurePosixPath("robots.txt"), ("\n".join(lines) + "\n").encode())
