"""The landing page at the site root: both languages side by side, each with its latest briefing and headlines."""

from __future__ import annotations

from ..ui import UI
from ..urls import LANGUAGES, page_path
from .kind import PageKind
from .site import Site
from .text import DIRECTION, other_language
from .views import PageRecipe, Panel

TEMPLATE = "root.html"


HEADLINES_ON_ROOT = 6


def recipe(site: Site) -> PageRecipe:
    lang = site.config.default_language
    panels = []
    for panel_lang in (lang, other_language(lang)):
        briefings = site.model.briefings
        latest = site.briefing_link(briefings[0], panel_lang) if briefings else None
        headlines = tuple(site.card(e, panel_lang) for e in site.model.entries[:HEADLINES_ON_ROOT])
        panels.append(Panel(panel_lang, DIRECTION[panel_lang], site.site_title(panel_lang),
                            site.site_description(panel_lang), page_path("home", panel_lang), latest,
                            headlines, page_path("themes", panel_lang), page_path("archive", panel_lang),
                            UI[panel_lang]))
    root = page_path("root")
    chrome = site.chrome(lang, root, site.site_title(lang), counterpart=page_path("home", other_language(lang)),
                         versions={code: page_path("home", code) for code in LANGUAGES}, default=root)
    return PageRecipe(TEMPLATE, chrome, tuple(panels))


KIND = PageKind("root", TEMPLATE, specs=lambda site, lang: [()], recipe=recipe, in_languages=False)
