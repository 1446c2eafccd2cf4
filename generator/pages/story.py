"""A story's page: its headline, coverage, a summary across its articles and its articles day by day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import PurePosixPath

from ..structure import Entry
from ..ui import UI
from ..urls import page_path
from .inputs import Inputs
from .kind import PageKind
from .site import Site
from .text import other_language
from .views import MonthGroup, PageRecipe, StoryView

TEMPLATE = "story.html"


def recipe(site: Site, lang: str, story_id: str) -> PageRecipe:
    """A story: its headline, how widely it was covered, a summary across its articles, and its
    articles day by day."""
    story = site.model.story_by_id[story_id]
    entries = [site.model.by_slug[slug] for slug in story.slugs]
    by_day: dict[dt.date, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_day[entry.meta.date].append(entry)
    timeline = tuple(MonthGroup(site.date_text(day, lang), None, tuple(site.card(e, lang) for e in listed))
                     for day, listed in sorted(by_day.items()))
    days = sorted(by_day)
    first, last = site.date_text(days[0], lang), site.date_text(days[-1], lang)
    span = first if first == last else UI[lang]["in_range"].format(first=first, last=last)
    themes = dict.fromkeys(t for entry in entries for t in entry.themes if t in site.themes)
    card = site.story_card(story_id, lang)
    view = StoryView(card, span, tuple(site.theme_link(site.themes[t], lang) for t in themes), timeline)
    description = " ".join(card.summary) if card.summary_lang == lang and card.summary else None
    chrome = site.chrome(lang, card.path, card.headline, counterpart=page_path("story", other_language(lang), story_id),
                         description=description)
    return PageRecipe(TEMPLATE, chrome, view)


def specs(site: Site, lang: str) -> list[tuple]:
    return [(story.id,) for story in site.model.stories]


def sources(inputs: Inputs, lang: str, story_id: str) -> tuple:
    """The story, its articles and their themes."""
    story, articles = inputs.story_sources(story_id)
    return ("story", lang, story, articles,
            tuple(inputs.theme(t) for s in story.slugs for t in inputs.placement(s)[0]))


def addresses(site: Site, lang: str, story_id: str) -> tuple[PurePosixPath, PurePosixPath]:
    return page_path("story", lang, story_id), page_path("story", other_language(lang), story_id)


KIND = PageKind("story", TEMPLATE, specs=specs, recipe=recipe, sources=sources, addresses=addresses)
