"""A theme's own page: its count and chart of every month, its newest and undated articles, links to its years."""

from __future__ import annotations

from pathlib import PurePosixPath

from markupsafe import Markup

from ..chart import theme_chart
from ..dates import format_number, month_key, month_span
from ..structure import Entry
from ..ui import UI
from ..urls import page_path, theme_year_key
from .inputs import Inputs
from .kind import PageKind
from .site import Site
from .text import count_articles, other_language
from .views import Link, MonthGroup, PageRecipe, Text, ThemeView, YearLink

TEMPLATE = "theme.html"


def recipe(site: Site, lang: str, theme_id: str) -> PageRecipe:
    """A theme's own page: how many articles and when (a chart of every month), its THEME_LATEST
    newest articles and its undated ones. A theme with more dated articles also has a page for each
    year, listing them all: the page a new article changes stays a year long, not an archive long."""
    theme = site.themes[theme_id]
    entries = site.theme_entries[theme.id]
    months = site.theme_months[theme.id]
    keys = list(months)
    dated = sum(len(listed) for listed in months.values())
    name = site.theme_name(theme, lang)
    ui = UI[lang]
    intro = count_articles(len(entries), lang, site.config.digits)
    if keys:
        first, last = site.month_text(keys[0], lang), site.month_text(keys[-1], lang)
        span = ui["in_month"].format(month=first) if first == last else ui["in_range"].format(first=first,
                                                                                           last=last)
        intro = f"{intro} {span}" if lang == "ar" else f"{intro}, {span}"
    if dated < len(entries):
        undated = count_articles(len(entries) - dated, lang, site.config.digits)
        intro = f"{intro} {ui['undated_count'].format(count=undated)}"
    counts = [(k, len(months.get(k, ()))) for k in (month_span(keys[0], keys[-1]) if keys else [])]
    chart = theme_chart(counts, lang=lang, digits=site.config.digits,
                        label=f"{name.value}: {ui['per_month']}") if counts else ""
    view = ThemeView(
        name=name, year="", theme=None, intro=intro, chart=Markup(chart),
        years=year_links(site, theme.id, lang), months=month_groups(site, site.latest(theme.id), lang),
        undated=tuple(site.card(e, lang) for e in entries if e.meta.date is None),
    )
    chrome = site.chrome(lang, page_path("theme", lang, theme.id), name,
                         counterpart=page_path("theme", other_language(lang), theme.id), section="themes")
    return PageRecipe(TEMPLATE, chrome, view)


def year_links(site: Site, theme_id: str, lang: str, current: str = "") -> tuple[YearLink, ...]:
    """Links to the theme's year pages, newest first; `current` is the year of the page showing them."""
    return tuple(YearLink(Link(page_path("theme_year", lang, theme_year_key(theme_id, year)),
                               Text(format_number(int(year), lang, site.config.digits), lang)), year == current)
                 for year in site.theme_years(theme_id))


def month_groups(site: Site, entries: list[Entry], lang: str) -> tuple[MonthGroup, ...]:
    """Dated articles, newest first, under the month they appeared in."""
    by_month: dict[str, list[Entry]] = {}
    for entry in entries:
        by_month.setdefault(month_key(entry.meta.date), []).append(entry)
    return tuple(MonthGroup(site.month_text(key, lang), page_path("month", lang, key),
                            tuple(site.card(e, lang) for e in listed)) for key, listed in by_month.items())


def specs(site: Site, lang: str) -> list[tuple]:
    return [(theme.id,) for theme in site.model.themes]


def sources(inputs: Inputs, lang: str, theme_id: str) -> tuple:
    """The theme, the articles it lists, its count per month (intro, chart), its years."""
    latest, undated, counts, years = inputs.theme_listing(theme_id)
    return "theme", lang, inputs.theme(theme_id), inputs.articles(latest + undated), counts, years


def addresses(site: Site, lang: str, theme_id: str) -> tuple[PurePosixPath, PurePosixPath]:
    return page_path("theme", lang, theme_id), page_path("theme", other_language(lang), theme_id)


KIND = PageKind("theme", TEMPLATE, specs=specs, recipe=recipe, sources=sources, addresses=addresses)
