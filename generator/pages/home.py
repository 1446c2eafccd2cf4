"""A language's home page: the latest briefing's first page and the briefings before it."""

from __future__ import annotations

from ..dates import format_number
from ..ui import UI
from ..urls import page_path
from .briefing import briefing_view
from .kind import PageKind
from .site import Site
from .text import other_language
from .views import HomeView, Link, PageRecipe, Text

TEMPLATE = "home.html"


EARLIER_BRIEFINGS_ON_HOME = 12


def recipe(site: Site, lang: str) -> PageRecipe:
    """The first page of the latest briefing, a link to its next page, and the briefings before it."""
    path = page_path("home", lang)
    briefings = site.model.briefings
    latest = briefing_view(site, 0, lang) if briefings else None
    earlier = tuple(site.briefing_link(b, lang) for b in briefings[1:1 + EARLIER_BRIEFINGS_ON_HOME])
    chrome = site.chrome(lang, path, site.site_title(lang), counterpart=page_path("home", other_language(lang)),
                         default=page_path("root"), section="home")
    next_page = None
    if latest and latest.pager:
        digits = site.config.digits
        text = UI[lang]["more_of_briefing"].format(page=format_number(2, lang, digits),
                                                   count=format_number(latest.pager.count, lang, digits))
        next_page = Link(latest.pager.next, Text(text, lang))
    view = HomeView(latest, earlier, more_in_archive=len(briefings) > 1 + EARLIER_BRIEFINGS_ON_HOME,
                    next_page=next_page)
    return PageRecipe(TEMPLATE, chrome, view)


KIND = PageKind("home", TEMPLATE, specs=lambda site, lang: [()], recipe=recipe)
