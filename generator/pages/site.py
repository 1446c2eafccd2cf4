"""What every page kind reads: the site model, the indexes derived from it once per build (a theme's
articles by month, the months, the listings split into pages), and the pieces many pages share
(the page frame, article and story cards, pagers, links). Each kind's module builds its own view
from these; `sources` digests stand for articles in page keys."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import PurePosixPath
from typing import Iterable, Mapping

from markupsafe import Markup

from ..config import SiteConfig
from ..dates import format_date, format_month, format_number, format_period, month_key
from ..paging import ARTICLE_UNITS, PAGE_UNITS, STORY_UNITS, page_groups, pager_numbers, split_pages
from ..structure import Briefing, Entry, SiteModel, Theme
from ..ui import UI
from ..urls import LANGUAGES, absolute_url, page_path, relative_url, rooted_url, search_path
from .text import DIRECTION, count_articles, count_outlets, guess_language, other_language
from .views import Card, Chrome, Link, PageLink, Pager, StoryCard, Text

THEME_LATEST = 50  # articles on a theme's own page; a theme with more also has a page per year


def feed_path(lang: str) -> PurePosixPath:
    """The Atom feed of one language: <lang>/feed.xml."""
    return PurePosixPath(lang, "feed.xml")


def page_url(base_url: str, page: PurePosixPath) -> str:
    """The page's full URL when base_url is absolute, else its address from the server root."""
    return absolute_url(base_url, page) or rooted_url(base_url, page)


def briefing_heading(briefing: Briefing, lang: str, config: SiteConfig) -> str:
    """A briefing's title, e.g. "Briefing — 17 March 2023", as pages and feeds show it."""
    template = UI[lang]["briefing_weekly" if config.briefing_period == "weekly" else "briefing_daily"]
    return template.format(period=format_period(briefing.start, briefing.end, lang, config.digits))


class Site:
    """One build's model and what is derived from it, as the page kinds read it (never changed by them)."""

    def __init__(self, model: SiteModel, config: SiteConfig):
        self.model = model
        self.config = config
        self.themes = {t.id: t for t in model.themes}
        self.theme_reprs = {t.id: repr(t) for t in model.themes}  # for page keys, made once
        self._listings: dict[tuple, tuple] = {}  # (kind, which) → listing(kind, which), made on first use
        self.theme_entries: dict[str, list[Entry]] = defaultdict(list)
        self.month_entries: dict[str, list[Entry]] = defaultdict(list)
        for entry in model.entries:
            for theme_id in entry.themes:
                if theme_id in self.themes:
                    self.theme_entries[theme_id].append(entry)
            if entry.meta.date is not None:
                self.month_entries[month_key(entry.meta.date)].append(entry)
        self.months = sorted(self.month_entries, reverse=True)  # newest first
        self.month_position = {key: index for index, key in enumerate(self.months)}
        self.briefing_position = {briefing.key: index for index, briefing in enumerate(model.briefings)}
        self.theme_months: dict[str, dict[str, list[Entry]]] = {}  # theme → its months, oldest first → entries
        for theme in model.themes:
            by_month: dict[str, list[Entry]] = defaultdict(list)
            for entry in self.theme_entries[theme.id]:
                if entry.meta.date is not None:
                    by_month[month_key(entry.meta.date)].append(entry)
            self.theme_months[theme.id] = dict(sorted(by_month.items()))

    def listing(self, kind: str, which: int | str) -> tuple[tuple[tuple[object, tuple[str, ...]], ...],
                                                            tuple[range, ...]]:
        """A listing split into pages (a briefing, a month, a theme's year): its groups, each (key,
        ids of its items), and which of all their items each page shows.

        A briefing's first group is its stories (key None), then its sections (a theme id and
        slugs); a month's groups are its days, a theme's year its months (keys), newest first."""
        made = self._listings.get((kind, which))
        if made is not None:
            return made
        groups: tuple[tuple[object, tuple[str, ...]], ...]
        if kind == "briefing":
            briefing = self.model.briefings[which]
            groups = ((None, briefing.stories), *((section.theme_id, section.slugs) for section in briefing.sections))
        else:
            if kind == "month":
                entries = self.month_entries[self.months[which]]
            else:
                theme_id, _, year = which.rpartition("/")
                entries = self.year_entries(theme_id, year)
            by_group: dict[object, list[str]] = defaultdict(list)
            for entry in entries:
                by_group[entry.meta.date if kind == "month" else month_key(entry.meta.date)].append(entry.slug)
            keys = sorted(by_group, reverse=True) if kind == "month" else list(by_group)
            groups = tuple((key, tuple(by_group[key])) for key in keys)
        costs = [STORY_UNITS if kind == "briefing" and index == 0 else ARTICLE_UNITS
                 for index, (_, items) in enumerate(groups) for _ in items]
        made = self._listings[(kind, which)] = (groups, split_pages(costs, PAGE_UNITS))
        return made

    def page_numbers(self, kind: str, which: int | str) -> range:
        return range(1, len(self.listing(kind, which)[1]) + 1)

    def listing_page(self, kind: str, which: int | str, number: int) -> tuple[tuple[int, object, tuple[str, ...], bool],
                                                                               ...]:
        """What page `number` of a listing shows: (index of the group, its key, the ids of its items on
        this page, whether they continue it from the page before) for each group it shows part of."""
        groups, pages = self.listing(kind, which)
        shown = page_groups([len(items) for _, items in groups], pages[number - 1])
        return tuple((g, groups[g][0], groups[g][1][part.start:part.stop], continued) for g, part, continued in shown)

    def pager(self, kind: str, lang: str, key: str, number: int, count: int) -> Pager | None:
        """The numbered pager of page `number` of a listing (`key` its address key); None for one page."""
        if count == 1:
            return None

        def path(n: int) -> PurePosixPath:
            return page_path(kind, lang, key, n)

        digits = self.config.digits
        label = UI[lang]["page_of"].format(page=format_number(number, lang, digits),
                                           count=format_number(count, lang, digits))
        return Pager(number, count, label, path(number - 1) if number > 1 else None,
                     path(number + 1) if number < count else None,
                     tuple(None if n is None else PageLink(n, Link(path(n), Text(format_number(n, lang, digits), lang)))
                           for n in pager_numbers(number, count)))

    def chrome(self, lang: str, path: PurePosixPath, title: Text, *, counterpart: PurePosixPath,
               versions: Mapping[str, PurePosixPath] | None = None, default: PurePosixPath | None = None,
               description: str | None = None, section: str = "", og_type: str = "website",
               rooted: bool = False, published: str = "", json_ld: Markup = Markup(""),
               robots: str = "") -> Chrome:
        """The frame of a page. `counterpart` is the same page in the other language (the switcher's target);
        `versions` the hreflang targets when they are not this page and its counterpart (bilingual pages)."""
        other = other_language(lang)
        language_versions = self.language_versions(versions or {lang: path, other: counterpart}, default)

        def href(target: PurePosixPath) -> str:
            if rooted:
                return rooted_url(self.config.base_url, target)
            return absolute_url(self.config.base_url, target) or relative_url(path, target)

        title_lang = title.lang or guess_language(title.value) or lang
        site_title = self.site_title(lang).value
        if title_lang != lang or title.value == site_title:
            document_title = title.value
        else:
            document_title = f"{title.value} | {site_title}"
        return Chrome(
            lang=lang, dir=DIRECTION[lang], path=path, title=title.value, document_title=document_title,
            title_lang=title_lang,
            description=description or self.site_description(lang), section=section,
            home=page_path("home", lang), themes=page_path("themes", lang), archive=page_path("archive", lang),
            stylesheet=page_path("static", key="style.css"),
            switch=Link(counterpart, Text(UI[other]["language_name"], other)),
            versions=language_versions, alternates=tuple((code, href(page)) for code, page in language_versions),
            canonical=None if rooted else absolute_url(self.config.base_url, path), og_type=og_type,
            search=search_path(lang), feeds=self.feed_links(lang if path.parts[0] in LANGUAGES else None),
            published=published, json_ld=json_ld, robots=robots,
        )

    def language_versions(self, versions: Mapping[str, PurePosixPath],
                          default: PurePosixPath | None = None) -> tuple[tuple[str, PurePosixPath], ...]:
        """(hreflang, page) for each language and x-default (the default language's page unless given)."""
        x_default = default or versions[self.config.default_language]
        return tuple((code, versions[code]) for code in LANGUAGES) + (("x-default", x_default),)

    def feed_links(self, lang: str | None) -> tuple[Link, ...]:
        """The page's own language feed; pages outside both languages (the root) announce both."""
        codes = (lang,) if lang else (self.config.default_language, other_language(self.config.default_language))
        return tuple(Link(feed_path(code), Text(UI[code]["feed_title"].format(site=self.site_title(code).value),
                                                code))
                     for code in codes)

    def site_title(self, lang: str) -> Text:
        return Text(self.config.title_ar if lang == "ar" else self.config.title_en)

    def site_description(self, lang: str) -> str:
        text = self.config.description_ar if lang == "ar" else self.config.description_en
        return text or UI[lang]["default_description"]

    def date_text(self, date: dt.date | None, lang: str) -> str:
        return format_date(date, lang, self.config.digits) if date else ""

    def month_text(self, key: str, lang: str) -> str:
        return format_month(int(key[:4]), int(key[5:7]), lang, self.config.digits)

    def card(self, entry: Entry, lang: str, teaser: bool = False) -> Card:
        """An article as an item of a list; with `teaser`, the first sentence of its summary too."""
        record = entry.article
        english = record.english_title
        pending = lang == "en" and english is None
        if lang == "en" and english is not None:
            title = Text(english, "en")
        else:
            title = Text(record.meta.title, "ar")
        date = record.meta.date
        first = None
        if teaser:
            if lang == "en" and record.summary_english:
                first = Text(record.summary_english[0], "en")
            elif record.summary_arabic:
                first = Text(record.summary_arabic[0], "ar")
        return Card(page_path("article", lang, entry.slug), title, entry.meta.source,
                    date.isoformat() if date else "", self.date_text(date, lang), pending, first)

    def story_card(self, story_id: str, lang: str) -> StoryCard:
        """A story's headline, coverage, outlets and summary, in English from the translations (or
        in Arabic, marked pending, while they wait)."""
        story = self.model.story_by_id[story_id]
        by_slug = self.model.by_slug
        lead = by_slug[story.headline]
        english = lead.article.english_title
        headline = Text(english, "en") if lang == "en" and english is not None else Text(lead.meta.title, "ar")
        arabic = tuple(by_slug[slug].article.summary_arabic[k] for slug, k in story.summary)
        translated = [by_slug[slug].article.summary_english for slug, _ in story.summary]
        complete = all(k < len(sentences) for (_, k), sentences in zip(story.summary, translated))
        if lang == "en" and complete:
            summary, summary_lang = tuple(sentences[k] for (_, k), sentences in zip(story.summary, translated)), "en"
        else:
            summary, summary_lang = arabic, "ar"
        machine = summary_lang == "en" and any(
            by_slug[slug].article.english_origin == "machine" for slug, _ in story.summary)
        coverage = UI[lang]["coverage"].format(articles=count_articles(len(story.slugs), lang, self.config.digits),
                                               outlets=count_outlets(len(story.outlets), lang, self.config.digits))
        return StoryCard(page_path("story", lang, story.id), headline, coverage, story.outlets, summary,
                         summary_lang, machine, lang == "en" and summary_lang != "en")

    def cards(self, slugs: Iterable[str], lang: str) -> tuple[Card, ...]:
        """Stories for the slugs the model knows; links to articles no longer in the site are dropped."""
        return tuple(self.card(self.model.by_slug[s], lang) for s in slugs if s in self.model.by_slug)

    def theme_name(self, theme: Theme, lang: str) -> Text:
        return Text(theme.name_ar if lang == "ar" else theme.name_en)

    def theme_link(self, theme: Theme, lang: str) -> Link:
        return Link(page_path("theme", lang, theme.id), self.theme_name(theme, lang))

    def briefing_heading(self, briefing: Briefing, lang: str) -> str:
        return briefing_heading(briefing, lang, self.config)

    def briefing_link(self, briefing: Briefing, lang: str) -> Link:
        return Link(page_path("briefing", lang, briefing.key), Text(self.briefing_heading(briefing, lang), lang))

    def latest(self, theme_id: str) -> list[Entry]:
        """The theme's THEME_LATEST newest dated articles, newest first."""
        months = self.theme_months[theme_id]
        return [entry for key in reversed(months) for entry in months[key]][:THEME_LATEST]

    def theme_years(self, theme_id: str) -> list[str]:
        """The years with a page of their own, newest first: every year of a theme with more than
        THEME_LATEST dated articles, none for the others (their own page lists them all)."""
        months = self.theme_months[theme_id]
        if sum(len(listed) for listed in months.values()) <= THEME_LATEST:
            return []
        return sorted({key[:4] for key in months}, reverse=True)

    def year_entries(self, theme_id: str, year: str) -> list[Entry]:
        """The theme's articles of one year, newest first."""
        months = self.theme_months[theme_id]
        return [entry for key in reversed(months) if key[:4] == year for entry in months[key]]
