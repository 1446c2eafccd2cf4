"""What a page kind's `sources` may read of the site, each read recorded as one of the page's inputs.

A kind's `sources(inputs, lang, *arguments)` gets an `Inputs`, never the site: every value it can
read is named by an input, a tuple such as ("article", slug) or ("listing", "month", "2024-01"), and
`READERS` says how each is read from a build's `Site`. So the inputs a page records are exactly what
its sources read, declared by the code that reads them: if every input of a page reads the same in
the next build, its sources, and so its key, are the same, and the page need not be keyed again
(`generator/page_index.py`). Nothing is listed by hand in a second place.
"""

from __future__ import annotations

import hashlib
from typing import Callable, Iterable

from .site import Site

Input = tuple  # (reader name, arguments…)


def _placement(site: Site, slug: str) -> tuple:
    """Where grouping put an article: its themes, its related articles, its story."""
    entry = site.model.by_slug[slug]
    return entry.themes, entry.related, entry.story


def _briefing(site: Site, key: str) -> tuple:
    """A briefing's key and dates, and those of the briefings before and after it (its pager links)."""
    briefings = site.model.briefings
    index = site.briefing_position[key]
    return tuple((b.key, b.start, b.end) for b in briefings[max(0, index - 1):index + 2])


def _month(site: Site, key: str) -> tuple:
    """A month and the months before and after it (its pager links)."""
    index = site.month_position[key]
    return tuple(site.months[max(0, index - 1):index + 2])


def _at(site: Site, kind: str, which: str) -> int | str:
    """Where `Site` finds a listing: a briefing or month by its position, a theme's year by its key."""
    position = {"briefing": site.briefing_position, "month": site.month_position}.get(kind)
    return position[which] if position else which


def _listing(site: Site, kind: str, which: str) -> tuple:
    return site.listing(kind, _at(site, kind, which))


def _theme_listing(site: Site, theme_id: str) -> tuple:
    """What a theme's own page lists: its newest and undated articles, its count per month, its years."""
    undated = [e.slug for e in site.theme_entries[theme_id] if e.meta.date is None]
    return (tuple(e.slug for e in site.latest(theme_id)), tuple(undated),
            tuple((key, len(entries)) for key, entries in site.theme_months[theme_id].items()),
            tuple(site.theme_years(theme_id)))


READERS: dict[str, Callable[..., object]] = {
    "article": lambda site, slug: slug in site.model.by_slug and site.model.by_slug[slug].article.digest,
    "placement": _placement,
    "story": lambda site, story_id: site.model.story_by_id[story_id],
    "theme": lambda site, theme_id: site.theme_reprs.get(theme_id),  # None: a theme no longer configured
    "briefing": _briefing,
    "month": _month,
    "listing": _listing,
    "theme_listing": _theme_listing,
    "theme_years": lambda site, theme_id: tuple(site.theme_years(theme_id)),
}

GONE = "\0gone"  # the fingerprint of an input that no longer reads (its article, story or month is gone)


def read(site: Site, name: Input) -> object:
    return READERS[name[0]](site, *name[1:])


def fingerprint(value: object) -> str:
    """A short digest of what an input read, to compare with the next build's (an article's digest
    is one already)."""
    if isinstance(value, str) and len(value) <= 32:
        return value
    return hashlib.sha256(repr(value).encode()).hexdigest()[:20]


class Inputs:
    """The reads of one page's sources, recorded in order; values shared by every page of a build."""

    def __init__(self, site: Site, values: dict[Input, object]):
        self._site = site
        self._values = values
        self.names: dict[Input, None] = {}

    def _read(self, name: Input):
        self.names[name] = None
        try:
            return self._values[name]
        except KeyError:
            value = self._values[name] = read(self._site, name)
            return value

    def article(self, slug: str) -> str:
        """The article's digest: its text in both languages, its metadata and its summary."""
        return self._read(("article", slug))

    def articles(self, slugs: Iterable[str]) -> tuple:
        return tuple((slug, self.article(slug)) for slug in slugs)

    def placement(self, slug: str) -> tuple:
        return self._read(("placement", slug))

    def story(self, story_id: str):
        return self._read(("story", story_id))

    def story_sources(self, story_id: str) -> tuple:
        """A story and the articles it shows: what its card and page are made of."""
        story = self.story(story_id)
        return story, self.articles(story.slugs)

    def theme(self, theme_id: str | None) -> str | None:
        """The theme as configured (names, keywords); None for a group of a listing with no theme."""
        return None if theme_id is None else self._read(("theme", theme_id))

    def article_sources(self, slug: str) -> tuple:
        """The article, its themes, the articles it links to and its story: the sources of its pages."""
        themes, related, story = self.placement(slug)
        return (self.article(slug), tuple(self.theme(t) for t in themes),
                related, self.articles(related), story and self.story_sources(story))

    def briefing(self, key: str) -> tuple:
        return self._read(("briefing", key))

    def month(self, key: str) -> tuple:
        return self._read(("month", key))

    def listing_page(self, kind: str, which: str, number: int) -> tuple[tuple, int, int]:
        """Page `number` of a listing (`Site.listing_page`), its number of pages and of items: read as
        the whole listing, which they are made from."""
        groups, pages = self._read(("listing", kind, which))
        shown = self._site.listing_page(kind, _at(self._site, kind, which), number)
        return shown, len(pages), sum(len(items) for _, items in groups)

    def theme_listing(self, theme_id: str) -> tuple:
        return self._read(("theme_listing", theme_id))

    def theme_years(self, theme_id: str) -> tuple:
        return self._read(("theme_years", theme_id))
