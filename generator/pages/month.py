"""A month's articles under the day they appeared, newest first, split into pages."""

from __future__ import annotations

from pathlib import PurePosixPath

from ..urls import page_path
from .inputs import Inputs
from .kind import PageKind
from .site import Site
from .text import other_language, paged_title
from .views import Link, MonthGroup, MonthView, PageRecipe, Text

TEMPLATE = "month.html"


def recipe(site: Site, lang: str, key: str, number: int = 1) -> PageRecipe:
    """Page `number` of a month's articles (`key` as "2024-01"), under the day they appeared, newest first."""
    index = site.month_position[key]
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
    return [(key, number) for index, key in enumerate(site.months) for number in site.page_numbers("month", index)]


def sources(inputs: Inputs, lang: str, key: str, number: int) -> tuple:
    """The page's part of the month's articles, its number of pages, the months before and after."""
    shown, pages, _ = inputs.listing_page("month", key, number)
    part = tuple((day, continued, inputs.articles(items)) for _, day, items, continued in shown)
    return "month", lang, key, (number, pages), part, inputs.month(key)


def addresses(site: Site, lang: str, key: str, number: int) -> tuple[PurePosixPath, PurePosixPath]:
    return page_path("month", lang, key, number), page_path("month", other_language(lang), key, number)


KIND = PageKind("month", TEMPLATE, specs=specs, recipe=recipe, sources=sources, addresses=addresses)
