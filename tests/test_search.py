"""Search: the Pagefind index, its cache, the query folding, and real searches in Chromium.

The browser test serves the built site under a sub-path (/briefing/) on loopback and drives Debian's
Chromium with Playwright; Chromium is never downloaded. Without /usr/bin/chromium it skips loudly,
and fails on CI.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import json
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import lxml.html
import pytest
from conftest import copy_sample_site, indexed_pages
from hypothesis import given
from hypothesis import strategies as st

import generator.search
from generator.arabic import normalize
from generator.config import SiteConfig
from generator.article_cache import ArticleCache
from generator.config import site_config
from generator.group import regroup
from generator.pipeline import BuildOptions, build, prepare_articles
from generator.render import SiteRenderer
from generator.search import OUTPUT_FOLDER, fold_table, search_files
from generator.structure import BuildReport
from generator.translate import translation_identity

BASE_PATH = "/briefing/"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTICLES = 5  # in the sample site, every one with an editor translation
PANDEMIC = "2021-05-23-yang-jiechi-to-visit-russia-for-security-talks"  # the only one with "جائحة"
MISHUSTIN = "2023-05-19-mishustin-to-visit-beijing"  # the only one with "ميخائيل"
SAMARKAND = "2022-09-08-putin-and-xi-to-meet-in-samarkand"


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    site = copy_sample_site(tmp_path_factory.mktemp("search") / "site")
    report = build(BuildOptions(site_dir=site, base_url="https://example.org" + BASE_PATH))
    assert not report.errors
    return site / "output"


@pytest.fixture(scope="module")
def renderer(output):
    """A renderer of the site `output` was built from, from the same stages."""
    config = site_config(BuildOptions(site_dir=output.parent, base_url="https://example.org" + BASE_PATH))
    records, articles, *_ = prepare_articles(config, BuildReport(), ArticleCache(config, translation_identity(config)),
                                            None, strict=False)
    return SiteRenderer(regroup(records, articles, config, None)[0], config)


@pytest.fixture(scope="module")
def entries(renderer):
    """What the search index receives of the build of `output`: every page rendered, with its record."""
    return [page.search for page in renderer.pages() if page.search is not None]


@pytest.fixture(scope="module")
def records(entries):
    return [entry.record for entry in entries]


def unrendered(entries):
    """The entries as a build that rendered none of the pages gives them: without their records."""
    return [dataclasses.replace(entry, record=None) for entry in entries]


# --- folding --------------------------------------------------------------------------------------------

ARABIC_SPELLING = st.sampled_from(
    [chr(c) for c in range(0x0621, 0x0656)] + ["\u0670", "\u0640", "\u200c", "\u200f", "\u061c", "\u00ad"]
    + list("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬٪ﻻﷲﻷﺁﺑﻬ") + list("ABCxyz ßΣİ\t\n"))


def fold_like_the_search_page(text: str, table: dict[str, str]) -> str:
    """What static/search.js does with a query: replace by the table, lower-case the rest, single spaces."""
    return " ".join("".join(table.get(char, char.lower()) for char in text).split())


@given(st.text(ARABIC_SPELLING, max_size=40) | st.text(max_size=40))
def test_the_query_folding_table_reproduces_normalize(text):
    assert fold_like_the_search_page(text, fold_table()) == normalize(text)


def test_folding_joins_hamza_alef_and_diacritic_spellings():
    table = fold_table()
    assert fold_like_the_search_page("جَايِحَة", table) == fold_like_the_search_page("جائحة", table)
    assert fold_like_the_search_page("إيران", table) == fold_like_the_search_page("ايران", table)
    assert table["أ"] == table["إ"] == table["آ"] == "ا" and table["\u064e"] == ""


def test_search_page_carries_the_same_table(output):
    for lang in ("ar", "en"):
        document = lxml.html.fromstring((output / lang / "search" / "index.html").read_bytes())
        assert json.loads(document.get_element_by_id("search-fold").text) == fold_table()


# --- records and the index ------------------------------------------------------------------------------


def test_one_record_per_article_and_language(output, records):
    articles = sorted(p.resolve() for p in output.glob("*/articles/*.html"))
    linked = sorted((output / r.language / "search" / r.href).resolve() for r in records)  # from the search page
    assert linked == articles and len(articles) == 2 * ARTICLES
    assert all(r.href.startswith("../articles/") for r in records)  # each links within its language
    for record in records:
        assert record.content == normalize(record.content)
        assert record.title and record.summary and record.date and record.datetime
    (pandemic,) = [r for r in records if r.language == "ar" and r.href == f"../articles/{PANDEMIC}.html"]
    assert "جايحه" in pandemic.content and pandemic.language == "ar"
    assert pandemic.date == "23 مايو 2021" and pandemic.datetime == "2021-05-23"


def test_english_pages_awaiting_translation_stay_out_of_the_english_index(tmp_path):
    from test_render import make_config, make_model

    model = make_model()
    pending = next(e for e in model.entries if e.article.english_title is None)
    searchable = {p.path.as_posix(): p.search for p in SiteRenderer(model, make_config(tmp_path)).pages()}
    assert searchable[f"en/articles/{pending.slug}.html"] is None
    assert searchable[f"ar/articles/{pending.slug}.html"].record.language == "ar"
    english = [r for r in searchable.values() if r is not None and r.language == "en"]
    assert english and all(r.url.startswith("en/articles/") for r in english)


def test_index_files_are_published_under_pagefind_one_shard_per_year_the_newest_per_month(output):
    folder = output / "pagefind"
    for lang in ("ar", "en"):
        shards = json.loads((folder / lang / "indexes.json").read_text())
        assert shards == ["2023-05/", "2023-03/", "2023-02/", "2022/", "2021/"]  # the sample's, newest first
        for position, shard in enumerate(shards):
            files = {p.relative_to(folder / lang / shard).as_posix()
                     for p in (folder / lang / shard).rglob("*") if p.is_file()}
            engine = {"pagefind.js", "pagefind-worker.js", f"wasm.{lang}.pagefind"}
            assert engine <= files if position == 0 else not engine & files  # the script comes from the first
            assert not any(name.startswith(("pagefind-ui", "wasm.unknown")) for name in files)
            entry = json.loads((folder / lang / shard / "pagefind-entry.json").read_text())
            assert list(entry["languages"]) == [lang]
        assert indexed_pages(output, lang) == ARTICLES


def test_index_files_are_linked_from_the_cache_not_copied(output):
    """Tens of thousands of index files at 10,000 articles: the site gets hard links to the cached
    index (never changed in place), not copies of its bytes."""
    cached = {(p.stat().st_dev, p.stat().st_ino) for p in (output.parent / ".cache" / "pagefind").rglob("*")
              if p.is_file()}
    published = [p for p in (output / "pagefind").rglob("*") if p.is_file() and p.name != "indexes.json"]
    assert published and all((p.stat().st_dev, p.stat().st_ino) in cached for p in published)


def test_the_newest_year_and_years_with_many_pages_are_indexed_month_by_month(entries, monkeypatch):
    per_year = collections.Counter((e.language, e.datetime[:4]) for e in entries)
    newest = {lang: max(year for lang_, year in per_year if lang_ == lang) for lang, _ in per_year}

    def expected(by_month_above: int) -> set[tuple[str, str]]:
        return {(e.language, e.datetime[:7] if per_year[(e.language, e.datetime[:4])] > by_month_above
                 or e.datetime[:4] == newest[e.language] else e.datetime[:4]) for e in entries}

    monkeypatch.setattr(generator.search, "SHARD_PAGES", 0)  # every year is "large"
    shards = generator.search._shards(entries)
    assert set(shards) == expected(0) and set(shards) != expected(500)
    assert sorted(e.url for members in shards.values() for e in members) == sorted(e.url for e in entries)
    monkeypatch.setattr(generator.search, "SHARD_PAGES", 500)
    assert set(generator.search._shards(entries)) == expected(500)


def test_only_the_shard_whose_articles_changed_is_indexed_again(output, entries, renderer, tmp_path, monkeypatch):
    config = SiteConfig(root=tmp_path)
    shutil.copytree(output.parent / ".cache" / "pagefind", config.cache_dir / "pagefind")  # the build's cache
    runs = []
    real_write_index = generator.search._write_index

    def counting(sources, folder):
        runs.append(sorted(p.relative_to(sources).as_posix() for p in sources.rglob("*.html")))
        real_write_index(sources, folder)

    monkeypatch.setattr(generator.search, "_write_index", counting)
    asked = []

    def record_of(lang, slug):
        asked.append((lang, slug))
        return renderer.search_record(lang, slug)

    first = search_files(unrendered(entries), config, {}, record_of)
    assert runs == [] and asked == [] and sorted((p.path, p.data) for p in first.pages) == read_published_index(output)
    published = {p.path.as_posix(): p.key for p in first.pages}
    again = search_files(entries, config, published, record_of)
    assert not again.pages and sorted(again.kept) == sorted(published), "output/ has them"
    edited = entries[0]
    shards = generator.search._shards(entries)
    (name, shard), = [(name, members) for (_, name), members in shards.items() if edited in members]
    changed = [dataclasses.replace(edited, key="changed",
                                   record=dataclasses.replace(edited.record, content="نص جديد")),
               *unrendered(entries[1:])]
    second = search_files(changed, config, published, record_of)
    assert runs == [sorted(generator.search.record_page_name(e) for e in shard)]  # one run, over that shard
    assert sorted(asked) == sorted((e.language, e.slug) for e in shard if e is not edited), \
        "the shard's other pages, not rendered again, were asked for (the copied cache has no record pages)"
    rewritten = {p.path.as_posix() for p in second.pages}
    assert second.kept and rewritten.isdisjoint(second.kept) and set(second.kept) <= published.keys()
    prefix = f"{OUTPUT_FOLDER}/{edited.language}/{name}/"
    assert rewritten and all(path.startswith(prefix) for path in rewritten), rewritten
    assert len(list((config.cache_dir / "pagefind").iterdir())) == len(shards)  # the stale one was removed


def test_a_shard_indexed_again_starts_from_its_previous_files_and_keeps_only_those_it_uses(entries, renderer,
                                                                                          tmp_path):
    config = SiteConfig(root=tmp_path)
    month = [dataclasses.replace(e, datetime="2023-03-17") for e in entries if e.language == "ar"]  # one shard
    search_files(month, config, {}, renderer.search_record)
    root = config.cache_dir / "pagefind"
    before, = root.iterdir()
    hashed = {p.relative_to(before): p.stat().st_ino for p in before.rglob("*.pf_*") if p.parent != before}
    edited = dataclasses.replace(month[0], key="changed", record=dataclasses.replace(month[0].record, content="نص جديد"))
    search_files([edited, *month[1:]], config, {}, renderer.search_record)
    after, = root.iterdir()
    assert after.name.startswith("ar-2023-03.") and after != before  # indexed again, the old index removed
    fresh = tmp_path / "fresh"  # Pagefind alone over the same record pages, from nothing
    generator.search._write_index(config.cache_dir / generator.search.RECORD_PAGES / "ar-2023-03", fresh)
    files = {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    assert files == {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()
                     and p.name not in generator.search._UNUSED_BUNDLE_FILES}
    kept = {path for path in files if hashed.get(path) == (after / path).stat().st_ino}
    assert len(kept) >= len(month) - 1, "the unchanged pages' fragments came from the previous index"
    assert len(kept) < len(hashed), "the edited page's old fragment was kept although the new index does not use it"


def test_record_pages_are_updated_file_by_file(entries, tmp_path):
    folder = tmp_path / "records"

    def not_asked(lang, slug):
        raise AssertionError(f"{lang} {slug}: the record page is there")

    generator.search.update_record_pages(entries, folder, not_asked)
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    assert pages == sorted(generator.search.record_page_name(e) for e in entries)
    unchanged = folder / generator.search.record_page_name(entries[2])
    before = unchanged.stat().st_mtime_ns
    os.utime(unchanged, ns=(before - 10**9, before - 10**9))  # so a rewrite would show
    edited = dataclasses.replace(entries[0], key="edited", record=dataclasses.replace(entries[0].record,
                                                                                       content="نص جديد"))
    changed = [edited, *unrendered(entries[2:])]
    generator.search.update_record_pages(changed, folder, not_asked)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html")) == \
        sorted(generator.search.record_page_name(e) for e in changed)
    assert "نص جديد" in (folder / generator.search.record_page_name(edited)).read_text(encoding="utf-8")
    assert unchanged.stat().st_mtime_ns == before - 10**9, "an unchanged record page is not written again"
    (folder.with_name("records.json")).unlink()  # as a build killed while updating leaves it
    made = []
    generator.search.update_record_pages(unrendered(changed), folder, lambda lang, slug: made.append(slug) or
                                         next(e.record for e in entries if (e.language, e.slug) == (lang, slug)))
    assert len(list(folder.rglob("*.html"))) == len(changed) == len(made)


def read_published_index(output: Path) -> list[tuple[PurePosixPath, bytes]]:
    return [(PurePosixPath(p.relative_to(output).as_posix()), p.read_bytes())
            for p in sorted((output / "pagefind").rglob("*")) if p.is_file()]


# --- in the browser -------------------------------------------------------------------------------------


class SubPathHandler(SimpleHTTPRequestHandler):
    """Serves output/ at /briefing/, as GitHub Pages serves a project site."""

    def translate_path(self, path: str) -> str:
        if not path.startswith(BASE_PATH):
            return str(Path(self.directory) / "no-such-file")
        return super().translate_path("/" + path[len(BASE_PATH):])

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(output):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SubPathHandler, directory=str(output)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{BASE_PATH}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser():
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing: apt-get install chromium to run the search tests in a browser"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = problem or "playwright is not installed: pip install playwright (never `playwright install`)"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(f"!!! {problem} !!!")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@dataclasses.dataclass
class Tab:
    """One browser tab kept for the whole module (opening tabs is the slow part), and the failed requests."""

    page: object
    failures: list[str]


@pytest.fixture(scope="module")
def tabs(browser):
    opened = {}
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        failures = []
        page = context.new_page()
        page.on("response",
                lambda response, failures=failures: response.status >= 400 and failures.append(response.url))
        opened[javascript] = Tab(page, failures)
    yield opened
    for tab in opened.values():
        tab.page.context.close()


def search(tab: Tab, site_url: str, lang: str, query: str):
    """Open the search page as the header form would, wait for the outcome, return (status, results)."""
    tab.failures.clear()
    page = tab.page
    page.goto(f"{site_url}{lang}/search/?q={quote(query)}")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0 ||"
                           " !document.getElementById('search-status').textContent.includes('…')")
    status = page.inner_text("#search-status")
    results = page.eval_on_selector_all(
        "#search-results li", "items => items.map(li => ({href: li.querySelector('a').href,"
        " title: li.querySelector('a').textContent, date: li.querySelector('time')?.textContent,"
        " summary: li.querySelector('.search-summary')?.textContent}))")
    assert tab.failures == [], tab.failures
    return status, results


@pytest.mark.parametrize(("query", "slug"), [
    ("جَايِحَة", PANDEMIC),  # the text has "جائحة": hamza seat and tā' marbūṭa differ, diacritics added
    ("مِيخايِيل", MISHUSTIN),  # the text has "ميخائيل"
])
def test_arabic_search_ignores_hamza_forms_and_diacritics(tabs, site_url, query, slug):
    status, results = search(tabs[True], site_url, "ar", query)
    assert [r["href"] for r in results] == [f"{site_url}ar/articles/{slug}.html"], status
    (result,) = results
    assert result["title"] and result["date"] and result["summary"]
    assert "1" in status


def test_english_search_finds_the_english_page(tabs, site_url):
    status, results = search(tabs[True], site_url, "en", "Samarkand")
    assert f"{site_url}en/articles/{SAMARKAND}.html" in [r["href"] for r in results], status
    assert all("/en/articles/" in r["href"] for r in results)


def test_without_javascript_the_search_page_points_to_the_archive(tabs, site_url):
    status, results = search(tabs[False], site_url, "en", "Samarkand")
    assert "needs JavaScript" in status and results == []
