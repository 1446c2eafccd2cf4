"""The archive: every month by year, small-multiple charts of the largest themes, undated articles."""

from __future__ import annotations

from collections import defaultdict

from markupsafe import Markup

from ..chart import theme_chart
from ..dates import format_number, month_span
from ..structure import Theme
from ..ui import UI
from ..urls import page_path
from .kind import PageKind
from .site import Site
from .text import count_articles, other_language
from .views import ArchiveView, Figure, Link, MonthSummary, PageRecipe, Text

TEMPLATE = "archive.html"


ARCHIVE_CHARTS = 12  # themes charted, the largest ones; the themes page lists them all


def recipe(site: Site, lang: str) -> PageRecipe:
    years: dict[str, list[MonthSummary]] = defaultdict(list)
    for key in site.months:
        link = Link(page_path("month", lang, key), Text(site.month_text(key, lang), lang))
        years[key[:4]].append(MonthSummary(link, count_articles(len(site.month_entries[key]), lang,
                                                                site.config.digits)))
    charted = charted_themes(site)
    themes_count = format_number(len(site.model.themes), lang, site.config.digits)
    view = ArchiveView(
        years=tuple((format_number(int(y), lang, site.config.digits), tuple(m)) for y, m in years.items()),
        charts=archive_charts(site, charted, lang),
        all_themes=(Link(page_path("themes", lang), Text(UI[lang]["all_themes"].format(count=themes_count), lang))
                    if len(charted) < len(site.model.themes) else None),
        undated=site.cards(site.model.undated, lang),
    )
    chrome = site.chrome(lang, page_path("archive", lang), Text(UI[lang]["archive"], lang),
                         counterpart=page_path("archive", other_language(lang)), section="archive")
    return PageRecipe(TEMPLATE, chrome, view)


def charted_themes(site: Site) -> list[Theme]:
    """The ARCHIVE_CHARTS themes with the most articles, in the site's order of themes: small
    multiples stay readable when clustering has made hundreds of themes."""
    largest = sorted(site.model.themes, key=lambda theme: -len(site.theme_entries[theme.id]))[:ARCHIVE_CHARTS]
    ids = {theme.id for theme in largest}
    return [theme for theme in site.model.themes if theme.id in ids]


def archive_charts(site: Site, themes: list[Theme], lang: str) -> tuple[Figure, ...]:
    """Small multiples: one chart per theme over the whole site's months, all on one scale."""
    if not site.months:
        return ()
    span = month_span(site.months[-1], site.months[0])
    per_theme = {theme.id: [(k, len(site.theme_months[theme.id].get(k, ()))) for k in span] for theme in themes}
    scale = max((c for counts in per_theme.values() for _, c in counts), default=1)
    figures = []
    for theme in themes:
        link = site.theme_link(theme, lang)
        label = f"{link.text.value}: {UI[lang]['per_month']}"
        chart = theme_chart(per_theme[theme.id], lang=lang, digits=site.config.digits, label=label,
                            scale_max=scale, width=480)
        figures.append(Figure(link, Markup(chart)))
    return tuple(figures)


KIND = PageKind("archive", TEMPLATE, specs=lambda site, lang: [()], recipe=recipe)
