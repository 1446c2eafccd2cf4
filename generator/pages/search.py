"""The search page: Pagefind runs in the browser over the shards the build indexed (generator/search.py)."""

from __future__ import annotations

from markupsafe import Markup, escape

from ..search import fold_table, search_index_list
from ..ui import UI
from ..urls import page_path, relative_url, search_path
from .kind import PageKind
from .site import Site
from .text import other_language, script_json
from .views import PageRecipe, SearchView, Text

TEMPLATE = "search.html"


def recipe(site: Site, lang: str) -> PageRecipe:
    path = search_path(lang)
    ui = UI[lang]
    archive = Markup('<a href="{}">{}</a>').format(relative_url(path, page_path("archive", lang)),
                                                    ui["search_archive"])
    themes = Markup('<a href="{}">{}</a>').format(relative_url(path, page_path("themes", lang)),
                                                   ui["search_themes"])
    view = SearchView(
        needs_js=escape(ui["search_needs_js"]).format(archive=archive, themes=themes),
        archive=page_path("archive", lang),
        script=page_path("static", key="search.js"), stylesheet=page_path("static", key="search.css"),
        indexes=search_index_list(lang), fold=script_json(fold_table()),
        arabic_indic=lang == "ar" and site.config.digits == "arabic-indic",
    )
    chrome = site.chrome(lang, path, Text(UI[lang]["search"], lang), counterpart=search_path(other_language(lang)),
                         robots="noindex")
    return PageRecipe(TEMPLATE, chrome, view)


KIND = PageKind("search", TEMPLATE, specs=lambda site, lang: [()], recipe=recipe)
