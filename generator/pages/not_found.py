"""The 404 pages: one per language, and the root one in both, served at any depth (links from base_url)."""

from __future__ import annotations

from ..ui import UI
from ..urls import LANGUAGES, page_path
from .kind import PageKind
from .site import Site
from .text import DIRECTION, other_language
from .views import NotFoundText, PageRecipe, Text

TEMPLATE = "404.html"


def recipe(site: Site, lang: str) -> PageRecipe:
    path = page_path("not-found", lang)
    chrome = site.chrome(lang, path, Text(UI[lang]["not_found"], lang),
                         counterpart=page_path("not-found", other_language(lang)),
                         default=page_path("not-found"), rooted=True)
    return PageRecipe(TEMPLATE, chrome, (not_found_text(lang),), rooted=True)


def root_recipe(site: Site) -> PageRecipe:
    lang = site.config.default_language
    path = page_path("not-found")
    chrome = site.chrome(lang, path, Text(UI[lang]["not_found"], lang),
                         counterpart=page_path("not-found", other_language(lang)),
                         versions={code: page_path("not-found", code) for code in LANGUAGES},
                         default=path, rooted=True)
    return PageRecipe(TEMPLATE, chrome, (not_found_text(lang), not_found_text(other_language(lang))), rooted=True)


def not_found_text(lang: str) -> NotFoundText:
    ui = UI[lang]
    return NotFoundText(lang, DIRECTION[lang], ui["not_found"], ui["not_found_text"], ui["go_home"],
                        page_path("home", lang))


KIND = PageKind("not_found", TEMPLATE, specs=lambda site, lang: [()], recipe=recipe)
ROOT_KIND = PageKind("root_not_found", TEMPLATE, specs=lambda site, lang: [()], recipe=root_recipe, in_languages=False)
