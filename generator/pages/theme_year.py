"""All the articles of a theme in one year, split into pages: the page a new article changes stays a year long."""

from __future__ import annotations

from pathlib import PurePosixPath

from markupsafe import Markup

from ..dates import format_number
from ..ui import UI
from ..urls import page_path, theme_year_key
from .inputs import Inputs
from .kind import PageKind
from .site import Site
from .text import count_articles, other_language, paged_title
from .theme import year_links
from .views import MonthGroup, PageRecipe, Text, ThemeView

TEMPLATE = "theme.html"


def recipe(site: Site, lang: str, key: str, number: int = 1) -> PageRecipe:
    """All the articles of a theme in one year (`key` from theme_year_key), page `number` of them."""
    theme_id, _, year = key.rpartition("/")
    theme = site.themes[theme_id]
    name = site.theme_name(theme, lang)
    shown_year = format_number(int(year), lang, site.config.digits)
    groups, pages = site.listing("theme_year", key)
    count = count_articles(sum(len(items) for _, items in groups), lang, site.config.digits)
    months = tuple(MonthGroup(site.month_text(month, lang), page_path("month", lang, month),
                              site.cards(items, lang), continued)
                   for _, month, items, continued in site.listing_page("theme_year", key, number))
    view = ThemeView(
        name=name, year=shown_year, theme=site.theme_link(theme, lang),
        intro=f"{count} {UI[lang]['in_year'].format(year=shown_year)}", chart=Markup(""),
        years=year_links(site, theme_id, lang, current=year), months=months, undated=(),
        pager=site.pager("theme_year", lang, key, number, len(pages)),
    )
    chrome = site.chrome(lang, page_path("theme_year", lang, key, number),
                         paged_title(Text(f"{name.value} {shown_year}", name.lang), view.pager),
                         counterpart=page_path("theme_year", other_language(lang), key, number), section="themes")
    return PageRecipe(TEMPLATE, chrome, view)


def specs(site: Site, lang: str) -> list[tuple]:
    return [(key, number) for theme in site.model.themes for year in site.theme_years(theme.id)
            for key in [theme_year_key(theme.id, year)] for number in site.page_numbers("theme_year", key)]


def sources(inputs: Inputs, lang: str, key: str, number: int) -> tuple:
    """The theme, the year's listing (its count, the page's part of it), the theme's years."""
    theme_id, _, year = key.rpartition("/")
    shown, pages, listed = inputs.listing_page("theme_year", key, number)
    part = tuple((month, continued, inputs.articles(items)) for _, month, items, continued in shown)
    return ("theme_year", lang, (number, pages), inputs.theme(theme_id), year, listed, part,
            inputs.theme_years(theme_id))


def addresses(site: Site, lang: str, key: str, number: int) -> tuple[PurePosixPath, PurePosixPath]:
    return page_path("theme_year", lang, key, number), page_path("theme_year", other_language(lang), key, number)


KIND = PageKind("theme_year", TEMPLATE, specs=specs, recipe=recipe, sources=sources, addresses=addresses)
