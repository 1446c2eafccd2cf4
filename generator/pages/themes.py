"""The list of themes, each with its count and latest article."""

from __future__ import annotations

from ..ui import UI
from ..urls import page_path
from .kind import PageKind
from .site import Site
from .text import count_articles, other_language
from .views import PageRecipe, Text, ThemeSummary

TEMPLATE = "themes.html"


def recipe(site: Site, lang: str) -> PageRecipe:
    summaries = tuple(
        ThemeSummary(site.theme_link(theme, lang),
                     count_articles(len(site.theme_entries[theme.id]), lang, site.config.digits),
                     site.card(site.theme_entries[theme.id][0], lang) if site.theme_entries[theme.id] else None)
        for theme in site.model.themes)
    chrome = site.chrome(lang, page_path("themes", lang), Text(UI[lang]["themes"], lang),
                         counterpart=page_path("themes", other_language(lang)), section="themes")
    return PageRecipe(TEMPLATE, chrome, summaries)


KIND = PageKind("themes", TEMPLATE, specs=lambda site, lang: [()], recipe=recipe)
