"""Render stage: URLs, dates, charts and the HTML pages, checked by parsing the output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import string
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

import generator.pages.site
from generator.arabic import content_terms
from generator.chart import theme_chart
from generator.config import SiteConfig
from generator.dates import format_date, format_month, format_period, month_span, to_arabic_indic
from generator.pages.archive import ARCHIVE_CHARTS
from generator.pages.text import count_articles, count_outlets, phrase, web_url
from generator.render import TEMPLATE_NAMES, SiteRenderer
from generator.static import static_files
from generator.ui import UI
from generator.structure import (
    ArticleMeta, ArticleRecord, Block, Briefing, CleanArticle, EnglishVersion, Entry, SiteModel, SourceArticle, Summary,
    SummarizedArticle, Story, Theme, TranslatedArticle, BriefingSection,
)
from generator.summarize import profile_article
from generator.urls import absolute_url, href_path, page_path, relative_url, theme_year_key

REPO = Path(__file__).resolve().parents[1]
ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]")
MACHINE_CREDIT = "Argos Translate ar→en 1.0"

# --- a small hand-made site ------------------------------------------------------------------

ARABIC_BLOCKS = (
    Block("p", "بكين وموسكو تعززان التعاون <b>الاستراتيجي</b>.", ("بكين وموسكو تعززان التعاون.",)),
    Block("h2", "خلفية"),
    Block("li", "البند الأول"),
    Block("li", "البند الثاني"),
    Block("quote", "قال المتحدث: «شراكة بلا حدود»"),
)
ENGLISH_BLOCKS = (
    Block("p", "Beijing and Moscow deepen strategic ties.", html="Beijing and <em>Moscow</em> deepen ties."),
    Block("h2", "Background"),
    Block("li", "First item"),
    Block("li", "Second item"),
    Block("quote", "The spokesman said: “a partnership without limits”"),
)


def make_entry(slug, title, date, *, english=None, source="الجزيرة", url=None, themes=(), related=(),
               story=None, summary_ar=("ملخص عربي.",), summary_en=()):
    meta = ArticleMeta(title=title, date=date, source=source, url=url)
    source_article = SourceArticle(f"content/articles/{slug}.md", slug, meta, "", 1, "0" * 64)
    translated = TranslatedArticle(CleanArticle(source_article, ARABIC_BLOCKS), english)
    summary = Summary(((0, 0),), summary_ar, summary_en, tuple(tuple(content_terms(s)) for s in summary_ar))
    article = SummarizedArticle(translated, summary, profile_article(translated))
    MADE[article.digest] = article
    return Entry(ArticleRecord.of(article), themes, related, story)


MADE: dict[str, SummarizedArticle] = {}  # digest → the whole article make_entry made a record of


def site_model(entries, *arguments, **settings) -> SiteModel:
    """A site model of make_entry's entries, with their whole articles."""
    return SiteModel(tuple(entries), *arguments, **settings, articles=whole_articles(entries))


def whole_articles(entries) -> dict[str, SummarizedArticle]:
    return {entry.slug: MADE[entry.article.digest] for entry in entries}


def with_article(model: SiteModel, article: SummarizedArticle) -> SiteModel:
    """The model with one article's text changed (not grouped again)."""
    MADE[article.digest] = article
    entries = tuple(dataclasses.replace(e, article=ArticleRecord.of(article)) if e.slug == article.slug else e
                    for e in model.entries)
    return dataclasses.replace(model, entries=entries, articles=whole_articles(entries))


def make_model() -> SiteModel:
    editor = make_entry(
        "xi-visit", "شي يزور موسكو", dt.date(2023, 3, 17),
        english=EnglishVersion("editor", "Xi visits Moscow", ENGLISH_BLOCKS, "the editors"),
        url="https://news.example/xi?a=1&b=2", themes=("diplomacy", "trade"),
        related=("talks",), story="xi-visit",
        summary_ar=("بكين وموسكو تعززان التعاون.",), summary_en=("Beijing and Moscow deepen ties.",))
    machine = make_entry(
        "trade-up", "التجارة ترتفع", dt.date(2023, 3, 17), source="CNN",
        english=EnglishVersion("machine", "Trade rises", ENGLISH_BLOCKS[:1], MACHINE_CREDIT),
        themes=("trade",), story="xi-visit",
        summary_ar=("التجارة ترتفع.",), summary_en=("Trade is rising.",))
    pending = make_entry("talks", "محادثات في بكين", dt.date(2023, 1, 5), themes=("diplomacy",),
                         related=("xi-visit",))
    undated = make_entry("old-note", "مذكرة بلا تاريخ", None, themes=("trade",))
    themes = (Theme("diplomacy", "الدبلوماسية", "Diplomacy"), Theme("trade", "التجارة", "Trade"))
    story = Story("xi-visit", ("xi-visit", "trade-up"), "xi-visit", (("xi-visit", 0), ("trade-up", 0)),
                  ("الجزيرة", "CNN"))
    briefings = (
        Briefing("2023-03-17", dt.date(2023, 3, 17), dt.date(2023, 3, 17), ("xi-visit",), ()),
        Briefing("2023-01-05", dt.date(2023, 1, 5), dt.date(2023, 1, 5), (),
                 (BriefingSection("diplomacy", ("talks",)),)),
    )
    return site_model((editor, machine, pending, undated), themes, briefings, (story,), undated=("old-note",))


def with_meta(model, slug: str, **changes):
    """The model with one article's front matter changed (not grouped again)."""
    whole = model.articles[slug]
    source = whole.translated.clean.source
    source = dataclasses.replace(source, meta=dataclasses.replace(source.meta, **changes))
    translated = dataclasses.replace(whole.translated, clean=dataclasses.replace(whole.translated.clean, source=source))
    return with_article(model, SummarizedArticle(translated, whole.summary, whole.profile))


def make_config(tmp_path: Path, **settings) -> SiteConfig:
    root = tmp_path / "site"
    if not root.exists():
        shutil.copytree(REPO / "templates", root / "templates")
        shutil.copytree(REPO / "static", root / "static")
    return SiteConfig(root=root, **settings)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """path -> bytes for the whole rendered sample site."""
    config = make_config(tmp_path_factory.mktemp("render"))
    return {page.path: page.data for page in [*SiteRenderer(make_model(), config).pages(), *static_files(config)]}


@pytest.fixture(scope="module")
def docs(site):
    return {path: lxml.html.fromstring(data) for path, data in site.items() if path.suffix == ".html"}


def resolve(page: PurePosixPath, href: str) -> PurePosixPath:
    """The output file a link on `page` leads to (links starting with "/" are from base_url "/")."""
    target = urlsplit(urljoin("http://site.test/" + page.as_posix(), href)).path
    target = unquote(target).lstrip("/")
    if target == "" or target.endswith("/"):
        target += "index.html"
    return PurePosixPath(target)


def is_internal(href: str) -> bool:
    return not (href.startswith("#") or urlsplit(href).scheme)


def page_lang(path: PurePosixPath) -> str:
    return path.parts[0] if path.parts[0] in ("ar", "en") else "ar"


def counterpart(path: PurePosixPath) -> PurePosixPath:
    other = {"ar": "en", "en": "ar"}[path.parts[0]]
    return PurePosixPath(other, *path.parts[1:])


# --- urls ----------------------------------------------------------------------------------------


def test_page_paths_have_the_documented_shape():
    assert page_path("article", "ar", "xi-visit") == PurePosixPath("ar/articles/xi-visit.html")
    assert page_path("bilingual", "en", "xi") == PurePosixPath("en/bilingual/xi.html")
    assert page_path("briefing", "en", "2023-03-17") == PurePosixPath("en/briefings/2023-03-17.html")
    assert page_path("theme", "ar", "trade") == PurePosixPath("ar/themes/trade/index.html")
    assert page_path("month", "en", "2023-03") == PurePosixPath("en/archive/2023/03/index.html")
    assert page_path("archive", "ar") == PurePosixPath("ar/archive/index.html")
    assert page_path("home", "en") == PurePosixPath("en/index.html")
    assert page_path("root") == PurePosixPath("index.html")
    assert page_path("not-found") == PurePosixPath("404.html")
    assert page_path("not-found", "ar") == PurePosixPath("ar/404.html")
    assert page_path("static", key="style.css") == PurePosixPath("static/style.css")


@pytest.mark.parametrize("kind, lang, key", [
    ("article", "fr", "x"), ("article", "ar", None), ("article", "ar", "../etc"), ("month", "ar", "2023-13"),
    ("briefing", "en", "yesterday"), ("home", "ar", "extra"), ("gallery", "ar", None), ("static", None, "../x"),
])
def test_page_path_rejects_bad_input(kind, lang, key):
    with pytest.raises(ValueError):
        page_path(kind, lang, key)


def test_later_pages_of_a_listing_live_below_its_address():
    assert page_path("briefing", "en", "2023-03-17", 1) == page_path("briefing", "en", "2023-03-17")
    assert page_path("briefing", "en", "2023-03-17", 2) == PurePosixPath("en/briefings/2023-03-17/page/2.html")
    assert page_path("month", "ar", "2023-03", 12) == PurePosixPath("ar/archive/2023/03/page/12/index.html")
    assert page_path("theme_year", "en", theme_year_key("trade", "2022"), 3) == PurePosixPath(
        "en/themes/trade/2022/page/3/index.html")
    second = page_path("briefing", "en", "2023-03-17", 2)
    assert relative_url(second, page_path("briefing", "en", "2023-03-17")) == "../../2023-03-17.html"
    assert relative_url(second, page_path("briefing", "ar", "2023-03-17", 2)) == (
        "../../../../ar/briefings/2023-03-17/page/2.html")
    assert href_path(page_path("month", "en", "2023-03", 2)) == "en/archive/2023/03/page/2/"
    with pytest.raises(ValueError):  # the cached page 2 does not answer for 2.0
        page_path("month", "en", "2023-03", 2.0)


@pytest.mark.parametrize("kind, key, page", [
    ("briefing", "2023-03-17", 0), ("month", "2023-03", -1), ("month", "2023-03", 2.0), ("month", "2023-03", "2"),
    ("month", "2023-03", True), ("article", "x", 2), ("theme", "trade", 2), ("home", None, 2),
])
def test_page_numbers_are_whole_numbers_of_listings(kind, key, page):
    with pytest.raises(ValueError):
        page_path(kind, "en", key, page)


def test_relative_url_examples():
    article = page_path("article", "en", "a")
    theme = page_path("theme", "en", "x")
    assert relative_url(article, theme) == "../themes/x/"
    assert relative_url(theme, article) == "../../articles/a.html"
    assert relative_url(article, page_path("static", key="style.css")) == "../../static/style.css"
    assert relative_url(article, article) == "a.html"
    assert relative_url(theme, theme) == "./"
    assert relative_url(article, page_path("bilingual", "en", "a")) == "../bilingual/a.html"
    assert relative_url(page_path("root"), page_path("home", "ar")) == "ar/"
    assert relative_url(page_path("home", "ar"), page_path("root")) == "../"


segment = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"),
                  min_size=1, max_size=8).filter(lambda s: s not in (".", ".."))
page = st.builds(lambda folders, leaf: PurePosixPath(*folders, leaf),
                 st.lists(segment, max_size=4), st.one_of(st.just("index.html"), segment))


@given(page, page, st.sampled_from(["http://h.test/", "https://h.test/sub/path/"]))
def test_relative_url_resolves_to_its_target(source, target, base):
    link = relative_url(source, target)
    resolved = urljoin(base + href_path(source), link)
    assert resolved == base + href_path(target)
    assert unquote(resolved[len(base):]) == unquote(href_path(target))


@given(st.lists(segment, min_size=1, max_size=4))
def test_href_path_percent_encodes_as_quote_does(folders):
    """The plain-ASCII shortcut gives what urllib's quote gives, for any segment."""
    page = PurePosixPath(*folders, "index.html")
    assert href_path(page) == "".join(quote(f, safe="") + "/" for f in folders)
    assert href_path(PurePosixPath(*folders)) == "/".join(quote(f, safe="") for f in folders)


def test_absolute_url_only_for_http_bases():
    article = page_path("article", "ar", "x")
    assert absolute_url("https://org.github.io/brief/", article) == "https://org.github.io/brief/ar/articles/x.html"
    assert absolute_url("/brief/", article) is None


# --- dates, numbers, words -----------------------------------------------------------------------


def test_dates_follow_each_language():
    day = dt.date(2023, 3, 17)
    assert format_date(day, "en") == "17 March 2023"
    assert format_date(day, "ar") == "17 مارس 2023"
    assert format_date(day, "ar", "arabic-indic") == "١٧ مارس ٢٠٢٣"
    assert format_date(day, "en", "arabic-indic") == "17 March 2023"
    assert format_month(2023, 12, "ar") == "ديسمبر 2023"


def test_periods_shorten_shared_parts():
    assert format_period(dt.date(2023, 3, 13), dt.date(2023, 3, 19), "en") == "13–19 March 2023"
    assert format_period(dt.date(2023, 3, 27), dt.date(2023, 4, 2), "en") == "27 March – 2 April 2023"
    assert format_period(dt.date(2022, 12, 26), dt.date(2023, 1, 1), "en") == "26 December 2022 – 1 January 2023"
    assert format_period(dt.date(2023, 3, 13), dt.date(2023, 3, 19), "ar") == "من 13 إلى 19 مارس 2023"
    assert format_period(dt.date(2023, 3, 13), dt.date(2023, 3, 13), "en") == "13 March 2023"


@given(st.text())
def test_arabic_indic_digits_change_only_digits(text):
    converted = to_arabic_indic(text)
    assert len(converted) == len(text)
    for before, after in zip(text, converted):
        if before in "0123456789":
            assert after == "٠١٢٣٤٥٦٧٨٩"[int(before)]
        else:
            assert after == before


def test_month_span_includes_quiet_months():
    assert month_span("2022-11", "2023-02") == ["2022-11", "2022-12", "2023-01", "2023-02"]


@pytest.mark.parametrize("count, text", [
    (0, "لا مقالات"), (1, "مقال واحد"), (2, "مقالان"), (3, "3 مقالات"), (11, "11 مقالًا"),
    (100, "100 مقال"), (103, "103 مقالات"),
])
def test_arabic_article_counts_use_dual_and_plural(count, text):
    assert count_articles(count, "ar", "western") == text


@pytest.mark.parametrize("count, arabic, english", [
    (1, "مصدر واحد", "1 outlet"), (2, "مصدرين", "2 outlets"), (5, "5 مصادر", "5 outlets"),
    (12, "12 مصدرًا", "12 outlets"), (100, "100 مصدر", "100 outlets"),
])
def test_outlet_counts_follow_arabic_number_agreement(count, arabic, english):
    assert (count_outlets(count, "ar", "western"), count_outlets(count, "en", "western")) == (arabic, english)


@pytest.mark.parametrize("url, linked", [
    ("https://news.example/a?b=1", True), ("HTTP://news.example/", True), ("javascript:alert(1)", False),
    ("data:text/html,x", False), ("//news.example/a", False), ("", False), (None, False),
])
def test_only_web_addresses_become_source_links(url, linked):
    assert (web_url(url) is not None) == linked


def test_english_article_counts():
    assert count_articles(1, "en", "western") == "1 article"
    assert count_articles(7, "en", "arabic-indic") == "7 articles"


@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30))
def test_phrase_escapes_and_marks_arabic_on_english_pages(text):
    html = str(phrase("en", text))
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    assert fragment.text_content() == text
    if ARABIC_LETTER.search(text):
        assert fragment[0].get("lang") == "ar" and fragment[0].get("dir") == "rtl"


# --- chart ---------------------------------------------------------------------------------------


def test_phrase_isolates_latin_names_on_arabic_pages():
    assert str(phrase("ar", "CNN")) == '<bdi dir="ltr">CNN</bdi>'
    assert str(phrase("ar", "الجزيرة")) == "<bdi>الجزيرة</bdi>"
    assert str(phrase("en", "سي إن إن (CNN)")) == '<bdi lang="ar" dir="rtl">سي إن إن (CNN)</bdi>'


def parse_svg(svg: str):
    return lxml.etree.fromstring(svg.encode())


def test_chart_bars_carry_their_counts_and_titles():
    counts = [("2023-01", 3), ("2023-02", 0), ("2023-03", 5)]
    svg = parse_svg(theme_chart(counts, lang="en", label="Trade <&> per month"))
    ns = {"s": "http://www.w3.org/2000/svg"}
    bars = svg.findall(".//s:rect", ns)
    assert [(b.get("data-month"), int(b.get("data-count"))) for b in bars] == counts
    assert svg.get("role") == "img" and svg.get("aria-label") == "Trade <&> per month"
    assert svg.get("viewBox").startswith("0 0 ")
    assert [b.find("s:title", ns).text for b in bars] == ["January 2023: 3", "February 2023: 0", "March 2023: 5"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[2] > heights[0] > heights[1] == 0


def test_chart_runs_right_to_left_with_arabic_digits():
    counts = [("2023-01", 1), ("2023-02", 12)]
    svg = parse_svg(theme_chart(counts, lang="ar", digits="arabic-indic"))
    ns = {"s": "http://www.w3.org/2000/svg"}
    bars = svg.findall(".//s:rect", ns)
    assert float(bars[0].get("x")) > float(bars[1].get("x"))
    labels = [t.text for t in svg.findall(".//s:text", ns)]
    assert "١٢" in labels and "يناير" in labels and "12" not in labels


# --- pages ---------------------------------------------------------------------------------------


def test_expected_pages_exist(site):
    expected = {
        "index.html", "404.html", "static/style.css",
        "ar/index.html", "en/index.html", "ar/404.html", "en/404.html",
        "en/articles/xi-visit.html", "en/bilingual/xi-visit.html",
        "ar/bilingual/trade-up.html", "en/articles/talks.html",
        "ar/briefings/2023-03-17.html", "en/briefings/2023-01-05.html",
        "ar/themes/index.html", "en/themes/trade/index.html",
        "ar/archive/index.html", "en/archive/2023/03/index.html", "ar/archive/2023/01/index.html",
    }
    assert expected <= {p.as_posix() for p in site}
    assert PurePosixPath("en/bilingual/talks.html") not in site  # no English yet


def test_template_names_are_all_in_the_repository():
    assert all((REPO / "templates" / name).is_file() for name in TEMPLATE_NAMES)


def test_every_page_declares_language_direction_and_basics(docs):
    for path, doc in docs.items():
        lang = page_lang(path)
        assert doc.get("lang") == lang, path
        assert doc.get("dir") == ("rtl" if lang == "ar" else "ltr"), path
        assert doc.xpath("//meta[@name='viewport']"), path
        assert doc.xpath("//meta[@name='description']/@content")[0].strip(), path
        for landmark in ("header", "nav", "main", "footer"):
            assert doc.xpath(f"//{landmark}"), (path, landmark)
        assert doc.xpath("//a[@class='skip-link']/@href") == ["#main"] and doc.xpath("//main[@id='main']")


def test_headings_are_in_order_with_one_h1(docs):
    for path, doc in docs.items():
        levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels.count(1) == 1 and levels[0] == 1, path
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), (path, levels)


def test_javascript_only_on_the_search_pages(site, docs):
    for path, doc in docs.items():
        scripts = doc.xpath("//script[not(@type='application/ld+json')]")
        if path.parent.name == "search":
            assert [s.get("type") for s in scripts] == ["module", "application/json"], path
        else:
            assert not scripts, path
        assert not doc.xpath("//@*[starts-with(name(), 'on')]"), path
        assert b"javascript:" not in site[path], path


def test_links_and_stylesheet_resolve_to_rendered_pages(site, docs):
    for path, doc in docs.items():
        hrefs = doc.xpath("//a/@href | //link[not(@type='application/atom+xml')]/@href")  # feeds: publish stage
        assert doc.xpath("//link[@rel='stylesheet']/@href"), path
        for href in hrefs:
            if is_internal(href):
                assert resolve(path, href) in site, (path, href)
        assert resolve(path, doc.xpath("//link[@rel='stylesheet']/@href")[0]) == PurePosixPath("static/style.css")


def test_hreflang_alternates_pair_up(site, docs):
    for path, doc in docs.items():
        alternates = {link.get("hreflang"): resolve(path, link.get("href"))
                      for link in doc.xpath("//link[@rel='alternate'][@hreflang]")}
        assert set(alternates) == {"ar", "en", "x-default"}, path
        assert all(target in site for target in alternates.values()), path
        if path.parts[0] in ("ar", "en"):
            assert alternates[page_lang(path)] == path
            other = alternates["en" if page_lang(path) == "ar" else "ar"]
            assert other == counterpart(path)
            back = {link.get("hreflang"): resolve(other, link.get("href"))
                    for link in docs[other].xpath("//link[@rel='alternate']")}
            assert back[page_lang(path)] == path


def test_language_switcher_leads_to_the_counterpart(docs):
    for path, doc in docs.items():
        (switch,) = doc.xpath("//a[contains(@class, 'lang-switch')]")
        other = "en" if page_lang(path) == "ar" else "ar"
        assert switch.get("hreflang") == other and switch.get("lang") == other, path
        if path.parts[0] in ("ar", "en"):
            assert resolve(path, switch.get("href")) == counterpart(path)


def test_english_pages_mark_every_arabic_run(docs):
    for path, doc in docs.items():
        if page_lang(path) != "en":
            continue
        for element in doc.iter():
            if not isinstance(element.tag, str) or element.tag == "script":  # data, not text
                continue
            for text, owner in ((element.text, element), (element.tail, element.getparent())):
                if text and ARABIC_LETTER.search(text):
                    marked = owner.xpath("ancestor-or-self::*[@lang][1]/@lang")
                    assert marked == ["ar"], (path, text)
                    assert owner.xpath("ancestor-or-self::*[@dir][1]/@dir") == ["rtl"], (path, text)


def test_pending_article_shows_arabic_title_and_notice(docs):
    doc = docs[PurePosixPath("en/articles/talks.html")]
    (title,) = doc.xpath("//h1/span")
    assert title.get("lang") == "ar" and title.get("dir") == "rtl" and title.text == "محادثات في بكين"
    assert "Translation pending" in doc.xpath("string(//p[contains(@class, 'notice-pending')])")
    assert doc.xpath("//div[contains(@class, 'article-body')]/@lang") == ["ar"]


def test_document_titles(docs):
    assert docs[PurePosixPath("en/articles/xi-visit.html")].xpath("//title/text()") == [
        "Xi visits Moscow | News Briefing"]
    (pending,) = docs[PurePosixPath("en/articles/talks.html")].xpath("//title")
    assert (pending.text, pending.get("lang"), pending.get("dir")) == ("محادثات في بكين", "ar", "rtl")
    assert docs[PurePosixPath("ar/index.html")].xpath("//title/text()") == ["موجز الأخبار"]


def test_translation_credits(docs):
    machine = docs[PurePosixPath("en/articles/trade-up.html")]
    notice = machine.xpath("string(//p[contains(@class, 'translation-notice')])")
    assert f"Machine translated by {MACHINE_CREDIT}" in notice
    editor = docs[PurePosixPath("en/articles/xi-visit.html")]
    assert "Translated by the editors" in editor.xpath("string(//p[contains(@class, 'translation-notice')])")
    assert not docs[PurePosixPath("ar/articles/xi-visit.html")].xpath("//p[contains(@class, 'notice')]")


def test_meta_description_is_the_summary(docs):
    description = "//meta[@name='description']/@content"
    assert docs[PurePosixPath("en/articles/xi-visit.html")].xpath(description) == [
        "Beijing and Moscow deepen ties."]
    assert docs[PurePosixPath("ar/articles/xi-visit.html")].xpath(description) == [
        "بكين وموسكو تعززان التعاون."]
    pending = docs[PurePosixPath("en/articles/talks.html")].xpath(description)[0]
    assert not ARABIC_LETTER.search(pending)


def test_article_page_content(docs):
    doc = docs[PurePosixPath("en/articles/xi-visit.html")]
    assert [a.text_content() for a in doc.xpath("//a[@class='chip']")] == ["Diplomacy", "Trade"]
    (source,) = doc.xpath("//div[@class='byline']//a")
    assert source.get("href") == "https://news.example/xi?a=1&b=2" and source.get("rel") == "noopener external"
    body = doc.xpath("//div[contains(@class, 'article-body')]")[0]
    assert [child.tag for child in body] == ["p", "h2", "ul", "blockquote"]
    assert len(body.xpath("ul/li")) == 2
    assert body.xpath("p/em/text()") == ["Moscow"]  # markdown-it HTML is kept
    assert doc.xpath("//section[contains(@class, 'summary')]//li/text()") == ["Beijing and Moscow deepen ties."]
    assert doc.xpath("//section[h2[@id='related']]//a/span[@lang='ar']/text()") == ["محادثات في بكين"]
    (story,) = doc.xpath("//section[@id='story']")
    assert story.xpath(".//p[@class='story-headline']/a/@href") == ["../stories/xi-visit.html"]
    assert story.xpath(".//li[@class='card']/a/text()") == ["Trade rises"]  # the story's other articles
    assert story.xpath("string(.//p[@class='coverage'])").startswith("2 articles from 2 outlets")
    assert doc.xpath("//a[@class='bilingual-link']/@href") == ["../bilingual/xi-visit.html"]
    arabic = docs[PurePosixPath("ar/articles/xi-visit.html")]
    first = arabic.xpath("//div[contains(@class, 'article-body')]/p")[0]
    assert first.text_content() == ARABIC_BLOCKS[0].text and not first.xpath("b")  # plain text is escaped
    assert arabic.xpath("string(//div[@class='byline']/time)") == "17 مارس 2023"


def test_bilingual_view_pairs_blocks(docs):
    doc = docs[PurePosixPath("ar/bilingual/xi-visit.html")]
    pairs = doc.xpath("//div[@class='pair']")
    assert [p.get("data-pair") for p in pairs] == [str(i) for i in range(len(ARABIC_BLOCKS))]
    for pair in pairs:
        assert [(c.get("lang"), c.get("dir")) for c in pair] == [("ar", "rtl"), ("en", "ltr")]
    english = docs[PurePosixPath("en/bilingual/xi-visit.html")]
    assert [c.get("lang") for c in english.xpath("//div[@class='pair'][1]/div")] == ["en", "ar"]


def test_briefings_list_stories_then_each_other_article_once(docs):
    briefing_pages = [p for p in docs if "briefings" in p.parts or p.as_posix() in ("ar/index.html", "en/index.html")]
    assert len(briefing_pages) == 6
    for path in briefing_pages:
        doc = docs[path]
        cards = [resolve(path, href) for href in doc.xpath("//li[@class='card']/a[@class='card-title']/@href")]
        assert len(cards) == len(set(cards)), path
    latest = docs[PurePosixPath("en/briefings/2023-03-17.html")]
    (story,) = latest.xpath("//section[@class='stories']/article[@class='story']")
    assert story.xpath(".//h3[@class='story-headline']/a/@href") == ["../stories/xi-visit.html"]
    assert story.xpath(".//h3/a/text()") == ["Xi visits Moscow"]
    assert story.xpath(".//ul[contains(@class, 'outlets')]//bdi/text()") == ["الجزيرة", "CNN"]
    assert story.xpath(".//ul[@class='story-summary']/li/text()") == ["Beijing and Moscow deepen ties.",
                                                                      "Trade is rising."]
    assert story.xpath(".//p[contains(@class, 'machine')]")  # one summary sentence is the machine's
    assert not latest.xpath("//section[@class='singles']")  # both articles are the story's
    earlier = docs[PurePosixPath("en/briefings/2023-01-05.html")]
    assert earlier.xpath("//section[@class='theme-section']/h3/a/bdi/text()") == ["Diplomacy"]
    assert earlier.xpath("//li[@class='card']/p[@class='teaser']/text()") == ["ملخص عربي."]
    home = docs[PurePosixPath("en/index.html")]
    assert home.xpath("//h1/text()") == ["Briefing — 17 March 2023"]
    assert home.xpath("//section[@class='earlier']//a/text()") == ["Briefing — 5 January 2023"]
    assert docs[PurePosixPath("ar/index.html")].xpath("//h1/text()") == ["موجز 17 مارس 2023"]


def test_story_pages_in_both_languages(docs):
    for lang, other in (("ar", "en"), ("en", "ar")):
        doc = docs[PurePosixPath(f"{lang}/stories/xi-visit.html")]
        assert doc.xpath("/html/@lang") == [lang]
        assert doc.xpath(f"//link[@rel='alternate'][@hreflang='{other}']/@href")[0].endswith(
            f"{other}/stories/xi-visit.html")
        articles = doc.xpath("//section[@id='story-articles']//li[@class='card']/a/@href")
        assert articles == ["../articles/xi-visit.html", "../articles/trade-up.html"]
        assert len(doc.xpath("//section[@id='story-articles']//li[@class='timeline-day']")) == 1  # one day
    english = docs[PurePosixPath("en/stories/xi-visit.html")]
    assert english.xpath("//h1/text()") == ["Xi visits Moscow"]
    assert english.xpath("string(//p[contains(@class, 'coverage')])").startswith("2 articles from 2 outlets")
    arabic = docs[PurePosixPath("ar/stories/xi-visit.html")]
    assert arabic.xpath("//ul[@class='story-summary']/li/text()") == ["بكين وموسكو تعززان التعاون.",
                                                                     "التجارة ترتفع."]


def test_theme_and_archive_charts_match_counts(docs):
    theme = docs[PurePosixPath("en/themes/diplomacy/index.html")]
    bars = {r.get("data-month"): int(r.get("data-count")) for r in theme.xpath("//*[local-name()='rect']")}
    assert bars == {"2023-01": 1, "2023-02": 0, "2023-03": 1}
    archive = docs[PurePosixPath("ar/archive/index.html")]
    charts = archive.xpath("//div[@class='small-multiples']/figure")
    per_theme = {figure.xpath("string(figcaption)"): {r.get("data-month"): int(r.get("data-count"))
                                                        for r in figure.xpath(".//*[local-name()='rect']")}
                 for figure in charts}
    assert per_theme == {"الدبلوماسية": {"2023-01": 1, "2023-02": 0, "2023-03": 1},
                         "التجارة": {"2023-01": 0, "2023-02": 0, "2023-03": 2}}


def test_a_long_theme_lists_its_newest_articles_and_has_a_page_for_each_year(tmp_path, monkeypatch):
    monkeypatch.setattr(generator.pages.site, "THEME_LATEST", 1)  # diplomacy has 2 dated articles; trade has 2
    model = with_meta(make_model(), "talks", date=dt.date(2022, 11, 10))  # diplomacy: 2022 and 2023
    pages = {p.path: lxml.html.fromstring(p.data) for p in SiteRenderer(model, make_config(tmp_path)).pages()}
    theme = pages[PurePosixPath("en/themes/diplomacy/index.html")]
    years = {year: pages[PurePosixPath(f"en/themes/diplomacy/{year}/index.html")] for year in ("2023", "2022")}
    assert theme.xpath("//li[@class='card']/a/@href") == ["../../articles/xi-visit.html"]
    assert years["2022"].xpath("//li[@class='card']/a/@href") == ["../../../articles/talks.html"]
    assert years["2023"].xpath("//li[@class='card']/a/@href") == ["../../../articles/xi-visit.html"]
    assert theme.xpath("string(//p[@class='dek'])") == "2 articles, November 2022 to March 2023"
    assert years["2022"].xpath("string(//p[@class='dek'])") == "1 article in 2022"
    assert len(theme.xpath("//*[local-name()='rect']")) == 5 and not years["2022"].xpath("//*[local-name()='rect']")
    for page, current in ((theme, None), (years["2023"], "2023"), (years["2022"], "2022")):
        assert page.xpath("string(//nav[@class='years']/h2)") == "By year"
        links = [(a.text, a.get("aria-current")) for a in page.xpath("//nav[@class='years']//a")]
        assert links == [("2023", "page" if current == "2023" else None), ("2022", "page" if current == "2022" else None)]
    assert years["2022"].xpath("//p[@class='kicker']/a/@href") == ["../"]  # back to the theme's own page
    assert pages[PurePosixPath("ar/themes/diplomacy/2022/index.html")].xpath("string(//h1)") == "الدبلوماسية 2022"
    trade = pages[PurePosixPath("en/themes/trade/index.html")]  # its undated article stays on its own page
    assert trade.xpath("//section[h2[@id='undated']]//a/@href") == ["../../articles/old-note.html"]

    monkeypatch.setattr(generator.pages.site, "THEME_LATEST", 2)  # no more than that: one page lists them all
    pages = {p.path.as_posix() for p in SiteRenderer(model, make_config(tmp_path)).pages()}
    assert "en/themes/diplomacy/index.html" in pages and not any("/diplomacy/20" in path for path in pages)


def test_theme_year_pages_have_a_theme_and_a_four_digit_year():
    assert page_path("theme_year", "ar", theme_year_key("trade", "2022")) == PurePosixPath(
        "ar/themes/trade/2022/index.html")
    for key in ("trade/22", "trade", "/2022", "a/b/2022", "../2022", "trade/2022/"):
        with pytest.raises(ValueError):
            page_path("theme_year", "ar", key)


def test_the_archive_charts_the_largest_themes_and_links_to_all_of_them(tmp_path):
    themes = tuple(Theme(f"t{i:02}", f"محور {i}", f"Theme {i}") for i in range(ARCHIVE_CHARTS + 2))
    entries = tuple(make_entry(f"a{i}-{k}", f"عنوان {i} {k}", dt.date(2023, 1 + k % 12, 1), themes=(theme.id,))
                    for i, theme in enumerate(themes) for k in range(1 + i % 5))  # 1 to 5 articles a theme
    renderer = SiteRenderer(site_model(entries, themes, ()), make_config(tmp_path))
    page = lxml.html.fromstring(renderer.html(renderer.recipe("archive", "en")))
    charted = [href.rstrip("/").rsplit("/", 1)[-1] for href in page.xpath("//figcaption/a/@href")]
    sizes = {theme.id: 1 + i % 5 for i, theme in enumerate(themes)}
    assert len(charted) == ARCHIVE_CHARTS and charted == sorted(charted)  # in the site's order of themes
    assert min(sizes[t] for t in charted) >= max(sizes[t] for t in sizes if t not in charted)
    assert page.xpath("//p[@class='more']/a/@href") == ["../themes/"]
    assert page.xpath("string(//p[@class='more'])") == f"All {len(themes)} themes"


def test_undated_articles_appear_on_theme_and_archive(docs):
    theme = docs[PurePosixPath("en/themes/trade/index.html")]
    assert theme.xpath("//section[h2[@id='undated']]//a/@href") == ["../../articles/old-note.html"]
    archive = docs[PurePosixPath("en/archive/index.html")]
    assert archive.xpath("//section[h2[@id='undated']]//a/@href") == ["../articles/old-note.html"]
    months = archive.xpath("//ul[@class='month-list']/li")
    assert [m.text_content() for m in months] == ["March 2023 2 articles", "January 2023 1 article"]


def test_month_page_groups_by_day(docs):
    doc = docs[PurePosixPath("ar/archive/2023/03/index.html")]
    assert doc.xpath("//main//h2/text()") == ["17 مارس 2023"]
    assert len(doc.xpath("//li[@class='card']")) == 2


def test_root_landing_links_both_languages(docs):
    doc = docs[PurePosixPath("index.html")]
    panels = doc.xpath("//section[@class='panel']")
    assert [(p.get("lang"), p.get("dir")) for p in panels] == [("ar", "rtl"), ("en", "ltr")]
    assert [p.xpath("h2/a/@href")[0] for p in panels] == ["ar/", "en/"]
    assert doc.xpath("//section[@lang='en']//p[@class='lead-link']/a/@href") == ["en/briefings/2023-03-17.html"]


def test_not_found_pages_link_from_the_site_root(docs):
    doc = docs[PurePosixPath("404.html")]
    assert {s.get("lang") for s in doc.xpath("//section[contains(@class, 'not-found')]")} == {None, "en"}
    assert doc.xpath("//link[@rel='stylesheet']/@href") == ["/static/style.css"]


def test_default_language_decides_root_and_x_default(tmp_path):
    pages = {p.path: p.data for p in SiteRenderer(make_model(), make_config(tmp_path, default_language="en")).pages()}
    root = lxml.html.fromstring(pages[PurePosixPath("index.html")])
    assert root.get("lang") == "en" and root.get("dir") == "ltr"
    assert [p.get("lang") for p in root.xpath("//section[@class='panel']")] == ["en", "ar"]
    article = lxml.html.fromstring(pages[PurePosixPath("ar/articles/talks.html")])
    assert article.xpath("//link[@hreflang='x-default']/@href") == ["../../en/articles/talks.html"]


def test_absolute_base_url_adds_canonical_and_open_graph(tmp_path):
    config = make_config(tmp_path, base_url="https://org.github.io/brief/")
    pages = {p.path: p.data for p in SiteRenderer(make_model(), config).pages()}
    doc = lxml.html.fromstring(pages[PurePosixPath("en/articles/xi-visit.html")])
    assert doc.xpath("//link[@rel='canonical']/@href") == ["https://org.github.io/brief/en/articles/xi-visit.html"]
    assert doc.xpath("//meta[@property='og:url']/@content") == ["https://org.github.io/brief/en/articles/xi-visit.html"]
    assert doc.xpath("//link[@hreflang='ar']/@href") == ["https://org.github.io/brief/ar/articles/xi-visit.html"]
    assert doc.xpath("//a[@class='chip']/@href")[0] == "../themes/diplomacy/"  # navigation stays relative


def test_no_canonical_without_absolute_base_url(docs):
    assert not any(doc.xpath("//link[@rel='canonical'] | //meta[@property]") for doc in docs.values())


def test_arabic_indic_digits_and_weekly_briefings(tmp_path):
    config = make_config(tmp_path, digits="arabic-indic", briefing_period="weekly")
    model = make_model()
    weekly = Briefing("2023-03-13", dt.date(2023, 3, 13), dt.date(2023, 3, 19), model.briefings[0].stories,
                      model.briefings[0].sections)
    model = site_model(model.entries, model.themes, (weekly,), model.stories, model.undated)
    pages = {p.path: p.data for p in SiteRenderer(model, config).pages()}
    arabic = lxml.html.fromstring(pages[PurePosixPath("ar/briefings/2023-03-13.html")])
    assert arabic.xpath("//h1/text()") == ["موجز الأسبوع من ١٣ إلى ١٩ مارس ٢٠٢٣"]
    english = lxml.html.fromstring(pages[PurePosixPath("en/briefings/2023-03-13.html")])
    assert english.xpath("//h1/text()") == ["Weekly briefing — 13–19 March 2023"]
    assert english.xpath("//h2[@id='stories-heading']/text()") == ["The week's stories"]


def test_output_is_deterministic(tmp_path, site):
    config = make_config(tmp_path)
    again = [*SiteRenderer(make_model(), config).pages(), *static_files(config)]
    assert sorted(p.path.as_posix() for p in again) == sorted(p.as_posix() for p in site)
    assert {p.path: p.data for p in again} == site


def test_pages_write_to_a_folder_and_stay_small(tmp_path, site):
    out = tmp_path / "output"
    for path, data in site.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    assert (out / "en" / "articles" / "xi-visit.html").is_file()
    css = len(site[PurePosixPath("static/style.css")])
    largest_article = max(len(data) for path, data in site.items() if "articles" in path.parts)
    assert css + largest_article < 40_000


def test_every_interface_word_is_in_both_languages_with_the_same_placeholders():
    def placeholders(text: str) -> set[str]:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}

    assert UI["ar"].keys() == UI["en"].keys()
    assert {key: placeholders(text) for key, text in UI["ar"].items()} == \
        {key: placeholders(text) for key, text in UI["en"].items()}
