"""Listings split into pages: the split itself, and a day with thousands of articles rendered page by page."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from pathlib import PurePosixPath

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_render import counterpart, make_config, make_entry, make_model, resolve, site_model, whole_articles, with_meta

import generator.pages.site
from generator.paging import ARTICLE_UNITS, PAGE_UNITS, STORY_UNITS, page_groups, pager_numbers, split_pages
from generator.render import SiteRenderer
from generator.structure import Briefing, BriefingSection, EnglishVersion, SiteModel, Story, Theme
from generator.urls import page_path

PAGE_BUDGET = 40_000  # bytes of HTML a page may take

# --- the split ---------------------------------------------------------------------------------


@given(st.lists(st.integers(min_value=1, max_value=30)), st.integers(min_value=1, max_value=25))
def test_every_item_is_on_one_page_in_order_and_pages_keep_the_budget(costs, budget):
    pages = split_pages(costs, budget)
    assert [i for page in pages for i in page] == list(range(len(costs)))
    assert all(page for page in pages) or (pages == (range(0, 0),) and not costs)
    for page in pages:
        assert sum(costs[i] for i in page) <= budget or len(page) == 1  # only a lone item may exceed it
    for page, following in zip(pages, pages[1:]):  # a page ends only where the next item would not fit
        assert sum(costs[i] for i in page) + costs[following.start] > budget
    assert len(pages) <= max(1, 2 * sum(costs) // budget + 1)  # two pages hold more than one budget


def test_an_empty_listing_has_one_empty_page():
    assert split_pages([], 20) == (range(0, 0),)


def test_stories_and_articles_are_weighed_in_units():
    costs = [STORY_UNITS] * 3 + [ARTICLE_UNITS] * (PAGE_UNITS + 1)
    pages = split_pages(costs, PAGE_UNITS)
    assert [len(page) for page in pages] == [3 + PAGE_UNITS - 3 * STORY_UNITS, 3 * STORY_UNITS + 1]


@given(st.lists(st.integers(min_value=0, max_value=8), max_size=8), st.data())
def test_page_groups_cover_the_page_and_say_which_groups_continue(sizes, data):
    total = sum(sizes)
    start = data.draw(st.integers(min_value=0, max_value=total))
    span = range(start, data.draw(st.integers(min_value=start, max_value=total)))
    shown = page_groups(sizes, span)
    firsts = [sum(sizes[:g]) for g in range(len(sizes))]
    assert [firsts[g] + i for g, part, _ in shown for i in part] == list(span)
    assert all(part for _, part, _ in shown)  # no group is shown without items
    assert [continued for _, _, continued in shown] == [firsts[g] + part.start > firsts[g] for g, part, _ in shown]
    assert all(not continued for _, _, continued in shown[1:])  # only the page's first group can continue


@given(st.integers(min_value=1, max_value=500), st.data())
def test_the_pager_lists_the_ends_and_the_neighbourhood(count, data):
    current = data.draw(st.integers(min_value=1, max_value=count))
    numbers = pager_numbers(current, count)
    listed = [n for n in numbers if n is not None]
    assert listed == sorted(set(listed)) and listed[0] == 1 and listed[-1] == count
    assert set(range(max(1, current - 2), min(count, current + 2) + 1)) <= set(listed)
    assert len(numbers) <= 9 and None not in (numbers[0], numbers[-1])
    for before, after in zip(numbers, numbers[1:]):  # an ellipsis stands for two numbers or more
        assert before is not None or after is not None
    gaps = [(numbers[i - 1], numbers[i + 1]) for i, n in enumerate(numbers) if n is None]
    assert all(after - before > 2 for before, after in gaps)
    assert pager_numbers(1, 1) == (1,) and pager_numbers(3, 5) == (1, 2, 3, 4, 5)


# --- a day with thousands of articles --------------------------------------------------------

DAY = dt.date(2023, 3, 17)
TITLE = (2 * "وزير الخارجية يبحث مع نظيره سبل تعزيز التعاون الاقتصادي والتجاري بين البلدين ")[:120]
LEAD = (4 * "قال وزير الخارجية في مؤتمر صحفي عقده في العاصمة إن البلدين اتفقا على توسيع التعاون في الطاقة "
        "والتجارة، ")[:450]
ENGLISH_TITLE = "Foreign minister discusses ways to boost economic and trade cooperation with his counterpart"
ENGLISH_LEAD = (4 * "The foreign minister said the two countries agreed to expand cooperation in energy and "
                "trade. ")[:400]
THEMES = tuple(Theme(f"theme-{i}", f"المحور رقم {i}", f"Theme number {i}") for i in range(7))


def slug(i: int) -> str:
    return f"2023-03-17-wzyr-alkharjyh-ybhth-m-nzyrh-sbl-t-zyz-{i:05}"  # as long as real slugs get


def busy_day(articles: int, stories: int) -> SiteModel:
    """One day of `articles` articles with the longest realistic titles and leads: `stories` stories of
    three articles from a dozen outlets, the rest under the themes; an earlier day for the home page's list."""
    in_story = 3 * stories
    entries = [make_entry(slug(i), f"{TITLE} {i}", DAY, source="وكالة الأنباء العالمية (AFP)",
                          english=EnglishVersion("machine", f"{ENGLISH_TITLE} {i}", (), "Argos Translate ar→en 1.0"),
                          themes=(THEMES[i % len(THEMES)].id,), story=slug(i - i % 3) if i < in_story else None,
                          summary_ar=(LEAD,), summary_en=(ENGLISH_LEAD,))
               for i in range(articles)]
    earlier = make_entry("earlier", TITLE, DAY - dt.timedelta(days=1), themes=(THEMES[0].id,))
    story_list = tuple(Story(slug(k), tuple(slug(k + j) for j in range(3)), slug(k),
                             tuple((slug(k + j), 0) for j in range(3)), tuple(f"وكالة أنباء {j}" for j in range(12)))
                       for k in range(0, in_story, 3))
    sections = tuple(BriefingSection(theme.id, tuple(slug(i) for i in range(in_story, articles)
                                                     if i % len(THEMES) == n)) for n, theme in enumerate(THEMES))
    briefings = (Briefing(DAY.isoformat(), DAY, DAY, tuple(story.id for story in story_list), sections),
                 Briefing("2023-03-16", DAY - dt.timedelta(days=1), DAY - dt.timedelta(days=1), (),
                          (BriefingSection(THEMES[0].id, ("earlier",)),)))
    return site_model((*entries, earlier), THEMES, briefings, story_list)


@pytest.fixture(scope="module")
def busy(tmp_path_factory):
    """path -> (RenderedPage, parsed HTML) for the home, briefing, month and theme-year pages of a day
    of 10,000 articles (only those pages: its 40,000 article pages would add nothing here)."""
    model = busy_day(10_000, 40)
    renderer = SiteRenderer(model, make_config(tmp_path_factory.mktemp("busy"), base_url="https://news.example/"))
    pages = [renderer.finished(spec, {}) for spec in renderer.page_specs()
             if spec[0] in ("home", "briefing", "month", "theme_year")]
    return model, {page.path: (page, lxml.html.fromstring(page.data)) for page in pages}


def briefing_pages(pages, lang: str, key: str = DAY.isoformat()) -> list[PurePosixPath]:
    """The briefing's pages in order, from page 1 on."""
    listed = [page_path("briefing", lang, key)]
    while (path := page_path("briefing", lang, key, len(listed) + 1)) in pages:
        listed.append(path)
    return listed


def test_a_busy_day_is_split_into_pages_within_the_budget(busy):
    model, pages = busy
    for lang in ("ar", "en"):
        listed = briefing_pages(pages, lang)
        assert len(listed) > 100
        for path in [page_path("home", lang), *listed]:
            assert len(pages[path][0].data) <= PAGE_BUDGET, path
    too_large = {path: len(page.data) for path, (page, _) in pages.items() if len(page.data) > PAGE_BUDGET}
    assert not too_large, "month and theme-year pages keep the budget too"


def test_every_article_of_the_day_is_linked_once_across_the_briefing(busy):
    model, pages = busy
    briefing = model.briefings[0]
    singles = [s for section in briefing.sections for s in section.slugs]
    for lang in ("ar", "en"):
        articles, stories = [], []
        for path in briefing_pages(pages, lang):
            doc = pages[path][1]
            articles += [resolve(path, href) for href in doc.xpath("//main//li[@class='card']/a/@href")]
            stories += [resolve(path, href) for href in doc.xpath("//main//article[@class='story']//h3/a/@href")]
        assert articles == [page_path("article", lang, s) for s in singles]
        assert stories == [page_path("story", lang, s) for s in briefing.stories]
        story_articles = Counter(s for story in model.stories for s in story.slugs)
        assert set(story_articles) | set(singles) == {s for s in model.by_slug if s != "earlier"}
        assert set(story_articles.values()) == {1} and not set(story_articles) & set(singles)


def test_headings_say_the_page_and_continued_groups(busy):
    model, pages = busy
    for lang, page_of in (("en", "page 2 of {}"), ("ar", "الصفحة 2 من {}")):
        listed = briefing_pages(pages, lang)
        second = pages[listed[1]][1]
        assert second.xpath("string(//h1/span[@class='page-number'])") == "— " + page_of.format(len(listed))
        assert page_of.format(len(listed)) in second.xpath("string(//title)")
        assert not pages[listed[0]][1].xpath("//h1/span")
        # 40 stories of 4 units fill the first 8 pages; the ninth starts the themes, the tenth continues one
        assert pages[listed[1]][1].xpath("//h2[@id='stories-heading']/span[@class='continued']")
        ninth, tenth = pages[listed[8]][1], pages[listed[9]][1]
        assert not ninth.xpath("//h2[@id='stories-heading']") and not ninth.xpath("//span[@class='continued']")
        assert len(tenth.xpath("//h2[@id='singles-heading']/span[@class='continued']")) == 1
        assert len(tenth.xpath("(//h3)[1]/span[@class='continued']")) == 1


def test_pagers_link_pages_that_exist_in_order(busy):
    model, pages = busy
    paged = [path for path, (_, doc) in pages.items() if doc.xpath("//nav[@class='pager pages']")]
    assert any("archive" in path.parts for path in paged) and any("themes" in path.parts for path in paged)

    def pager(path):
        nav = pages[path][1].xpath("//nav[@class='pager pages']")[0]
        numbered = {int(a.text): resolve(path, a.get("href")) for a in nav.xpath(".//ol/li/a")}
        current = [int(a.text) for a in nav.xpath(".//a[@aria-current='page']")]
        return nav, numbered, current

    for path in paged:
        nav, numbered, current = pager(path)
        assert len(current) == 1 and numbered[current[0]] == path
        assert list(numbered) == sorted(numbered) and min(numbered) == 1
        for number, target in numbered.items():  # each number leads to the page that says it is that number
            assert target in pages and pager(target)[2] == [number], (path, number)
        previous = [resolve(path, href) for href in nav.xpath(".//a[@rel='prev']/@href")]
        following = [resolve(path, href) for href in nav.xpath(".//a[@rel='next']/@href")]
        assert previous == [numbered[current[0] - 1]] if current[0] > 1 else not previous
        assert following == [numbered[current[0] + 1]] if current[0] < max(numbered) else not following


def test_pages_of_a_listing_have_counterparts_of_the_same_number(busy):
    model, pages = busy
    for path, (page, doc) in pages.items():
        if path.parts[0] not in ("ar", "en") or "page" not in path.parts:
            continue
        other = counterpart(path)
        assert other in pages
        assert resolve(path, doc.xpath("//a[@class='lang-switch']/@href")[0]) == other
        alternates = {a.get("hreflang"): resolve(path, a.get("href")) for a in doc.xpath("//link[@hreflang]")}
        assert {alternates["ar"], alternates["en"]} == {path, other}
        assert doc.xpath("//link[@rel='canonical']/@href") == [f"https://news.example/{path.as_posix()}".removesuffix(
            "index.html")]
        assert f"<loc>https://news.example/{path.as_posix()}".removesuffix("index.html") in page.sitemap


def test_the_home_page_shows_the_first_page_and_links_to_the_second(busy):
    model, pages = busy
    for lang in ("ar", "en"):
        home, home_doc = page_path("home", lang), pages[page_path("home", lang)][1]
        first, second = briefing_pages(pages, lang)[:2]
        first_doc = pages[first][1]

        def listed(path, doc):
            links = doc.xpath("//main//*[@class='stories' or @class='singles']//a/@href")
            return [resolve(path, href) for href in links]

        assert listed(home, home_doc) == listed(first, first_doc) and listed(home, home_doc)
        assert [resolve(home, href) for href in home_doc.xpath("//p[@class='more-pages']/a[@rel='next']/@href")] == [
            second]
        assert not home_doc.xpath("//nav[@class='pager pages']")


def test_a_short_briefing_is_one_page_without_a_pager(tmp_path):
    pages = {p.path: p for p in SiteRenderer(make_model(), make_config(tmp_path)).pages()}
    assert not any("page" in path.parts for path in pages)
    for path, page in pages.items():
        doc = lxml.html.fromstring(page.data)
        assert not doc.xpath("//nav[@class='pager pages'] | //p[@class='more-pages'] | //span[@class='continued']")


# --- incremental builds of paged listings --------------------------------------------------------


@pytest.mark.parametrize("change", ["article pushed to the next page", "title on page 2", "day moves an article",
                                    "story grows", "fewer pages", "section ends earlier", "day ends earlier"])
def test_paged_listings_keep_their_keys_honest(tmp_path, monkeypatch, change):
    """Pages kept by their keys plus those rendered again are the pages a clean render gives, when
    articles move between pages, a page's first group starts or stops continuing the page before, and
    the number of pages changes."""
    monkeypatch.setattr(generator.pages.site, "PAGE_UNITS", 5)  # the small model then has pages to split
    monkeypatch.setattr(generator.pages.site, "THEME_LATEST", 1)
    config = make_config(tmp_path)
    base = make_model()
    extra = tuple(make_entry(f"extra-{i}", f"خبر إضافي {i}", dt.date(2023, 3, 17 if i < 3 else 16),
                             themes=("trade",)) for i in range(9))
    slugs = tuple(e.slug for e in extra)

    def with_sections(model, *sections):
        briefing = dataclasses.replace(model.briefings[0], sections=sections)
        return dataclasses.replace(model, briefings=(briefing, *model.briefings[1:]))

    # briefing: the story (4 units) and extra-0; trade continued to extra-4, diplomacy's extra-5; the rest
    model = with_sections(dataclasses.replace(base, entries=base.entries + extra,
                                                          articles=whole_articles(base.entries + extra)),
                          BriefingSection("trade", slugs[:5]), BriefingSection("diplomacy", slugs[5:]))
    # March: the 17th (xi-visit, trade-up, extra-0 to 2) on page 1, the 16th on pages 2 and 3
    first = {p.path: p for p in SiteRenderer(model, config).pages()}
    assert page_path("briefing", "en", "2023-03-17", 3) in first and page_path("month", "ar", "2023-03", 2) in first
    before = {path.as_posix(): page.key for path, page in first.items()}
    if change == "article pushed to the next page":
        model = with_sections(model, BriefingSection("trade", ("talks", *slugs[:5])),
                              BriefingSection("diplomacy", slugs[5:]))
        model = with_meta(model, "extra-0", date=dt.date(2023, 3, 18))
    elif change == "title on page 2":
        model = with_meta(model, "extra-4", title="عنوان جديد")
    elif change == "day moves an article":
        model = with_meta(model, "extra-4", date=dt.date(2023, 3, 15))
    elif change == "story grows":
        model = dataclasses.replace(model, stories=(dataclasses.replace(model.stories[0],
                                                                        slugs=(*model.stories[0].slugs, "extra-1")),))
    elif change == "fewer pages":
        model = with_sections(model, BriefingSection("trade", slugs[:2]))
    elif change == "section ends earlier":  # page 3 shows the same articles, no longer continuing a section
        model = with_sections(model, BriefingSection("trade", slugs[:6]), BriefingSection("diplomacy", slugs[6:]))
    else:  # "day ends earlier": page 2 shows the same articles, now continuing the 16th from page 1
        model = with_meta(model, "extra-2", date=dt.date(2023, 3, 16))
    after = {p.path.as_posix(): p for p in SiteRenderer(model, config).pages(before)}
    clean = {p.path: p for p in SiteRenderer(model, config).pages()}
    incremental = {PurePosixPath(path): page.data if page.data is not None else first[page.path].data
                   for path, page in after.items()}
    assert incremental == {path: page.data for path, page in clean.items()}
    assert all((page.key, page.sitemap) == (clean[page.path].key, clean[page.path].sitemap) for page in after.values())
    assert any(page.data is None for page in after.values()), "unchanged pages are kept"
