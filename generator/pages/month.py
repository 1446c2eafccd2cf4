"""A month's articles under the day they appeared, newest first, split into pages."""

from __future__ import annotations

from pathlib import PurePosixPath

from ..urls import page_path
from .kind import PageKind
from .site import Site
from .text import other_language, paged_title
from .views import Link, MonthGroup, MonthView, PageRecipe, Text

TEMPLATE = "month.html"


def recipe(site: Site, lang: str, index: int, number: int = 1) -> PageRecipe:
    """Page `number` of a month's articles, under the day they appeared, newest first."""
    key = site.months[index]
    days = tuple(MonthGroup(site.date_text(day, lang), None, site.cards(items, lang), continued)
                 for _, day, items, continued in site.listing_page("month", index, number))

    def month_link(i: int) -> Link:
        return Link(page_path("month", lang, site.months[i]), Text(site.month_text(site.months[i], lang), lang))

    view = MonthView(site.month_text(key, lang), days,
                     newer=month_link(index - 1) if index > 0 else None,
                     older=month_link(index + 1) if index + 1 < len(site.months) else None,
                     pager=site.pager("month", lang, key, number, len(site.page_numbers("month", index))))
    chrome = site.chrome(lang, page_path("month", lang, key, number),
                         paged_title(Text(view.heading, lang), view.pager),
                         counterpart=page_path("month", other_language(lang), key, number), section="archive")
    return PageRecipe(TEMPLATE, chrome, view)


def specs(site: Site, lang: str) -> list[tuple]:
    return [(index, number) for index in range(len(site.months)) for number in site.page_numbers("month", index)]


def sources(site: Site, lang: str, index: int, number: int) -> tuple:
    """The page's part of the month's articles, its number of pages, the months before and after."""
    part = tuple((day, continued, site.digests(items))
                 for _, day, items, continued in site.listing_page("month", index, number))
    paging = (number, len(site.page_numbers("month", index)))
    return "month", lang, site.months[index], paging, part, site.months[max(0, index - 1):index + 2]


def addresses(site: Site, lang: str, index: int, number: int) -> tuple[PurePosixPath, PurePosixPath]:
    key = site.months[index]
    return page_path("month", lang, key, number), page_path("month", other_language(lang), key, number)


KIND = PageKind("month", TEMPLATE, specs=specs, recipe=recipe, sources=sources, addresses=addresses)
