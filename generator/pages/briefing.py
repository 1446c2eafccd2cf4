"""A day's (or week's) briefing: its stories, then the articles of no story under their themes, split into pages."""

from __future__ import annotations

from pathlib import PurePosixPath

from ..ui import UI
from ..urls import page_path
from .inputs import Inputs
from .kind import PageKind
from .site import Site
from .text import other_language, paged_title
from .views import BriefingView, PageRecipe, SectionView, StoryCard, Text

TEMPLATE = "briefing.html"


def briefing_view(site: Site, index: int, lang: str, number: int = 1) -> BriefingView:
    """Page `number` of a briefing: its part of the stories and of the sections, and its pager."""
    briefings = site.model.briefings
    briefing = briefings[index]
    stories: tuple[StoryCard, ...] = ()
    stories_continued, sections, first_section = False, [], None
    for group, theme_id, items, continued in site.listing_page("briefing", index, number):
        if group == 0:
            stories, stories_continued = tuple(site.story_card(story_id, lang) for story_id in items), continued
            continue
        first_section = (group, continued) if first_section is None else first_section
        sections.append(SectionView(site.theme_link(site.themes[theme_id], lang),
                                    tuple(site.card(site.model.by_slug[s], lang, teaser=True) for s in items),
                                    continued))
    return BriefingView(
        heading=site.briefing_heading(briefing, lang),
        path=page_path("briefing", lang, briefing.key, number),
        stories_heading=UI[lang]["stories_weekly" if site.config.briefing_period == "weekly" else "stories"],
        stories=stories,
        sections=tuple(sections),
        newer=site.briefing_link(briefings[index - 1], lang) if index > 0 else None,
        older=site.briefing_link(briefings[index + 1], lang) if index + 1 < len(briefings) else None,
        stories_continued=stories_continued,
        singles_continued=first_section is not None and first_section != (1, False),
        pager=site.pager("briefing", lang, briefing.key, number, len(site.page_numbers("briefing", index))),
    )


def recipe(site: Site, lang: str, key: str, number: int = 1) -> PageRecipe:
    view = briefing_view(site, site.briefing_position[key], lang, number)
    chrome = site.chrome(lang, view.path, paged_title(Text(view.heading, lang), view.pager),
                         counterpart=page_path("briefing", other_language(lang), key, number))
    return PageRecipe(TEMPLATE, chrome, view)


def specs(site: Site, lang: str) -> list[tuple]:
    return [(briefing.key, number) for index, briefing in enumerate(site.model.briefings)
            for number in site.page_numbers("briefing", index)]


def sources(inputs: Inputs, lang: str, key: str, number: int) -> tuple:
    """Its part of the stories and sections and their articles, its number of pages, its dates and
    those of the briefings before and after it."""
    shown, pages, _ = inputs.listing_page("briefing", key, number)
    part = tuple((group, continued, tuple(inputs.story_sources(s) for s in items) if group == 0
                  else (inputs.theme(theme_id), inputs.articles(items)))
                 for group, theme_id, items, continued in shown)
    return "briefing", lang, (number, pages), inputs.briefing(key), part


def addresses(site: Site, lang: str, key: str, number: int) -> tuple[PurePosixPath, PurePosixPath]:
    return page_path("briefing", lang, key, number), page_path("briefing", other_language(lang), key, number)


KIND = PageKind("briefing", TEMPLATE, specs=specs, recipe=recipe, sources=sources, addresses=addresses)
