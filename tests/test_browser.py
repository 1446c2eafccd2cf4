"""The built sample site in a real browser: Debian Chromium driven by Playwright, axe-core injected.

For home, a briefing, a story, a theme page, an article and its bilingual view in both languages, at a
phone and a desktop width: the writing direction, no sideways scrolling, the language switcher, the paired paragraphs
of the bilingual view, and zero axe-core violations. Every visited page is screenshotted into
test-artifacts/screenshots/; docs/screenshots/{article,briefing,story}-{ar,en}.png are copies of readme-*.png.

Chromium is never downloaded: without /usr/bin/chromium these tests skip loudly, and fail on CI.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import shutil
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO, copy_sample_site

from generator.pipeline import BuildOptions, build

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # reported by the `browser` fixture, which skips or fails
    sync_playwright = None

CHROMIUM = Path("/usr/bin/chromium")
NOT_RUN = "BROWSER TESTS NOT RUN"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = REPO / "test-artifacts"
DATA = Path(__file__).resolve().parent / "data"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_PATH = "/__axe-core__/axe.min.js"  # served beside the site by the test server, never part of it
README_SHOT = {"width": 1366, "height": 1200}
README_SHOT_MAX_BYTES = 300_000

ARTICLE = "2023-03-17-xi-to-visit-moscow"  # has a source; the fixture gives it a link to the original
ORIGINAL_URL = "https://www.example.com/2023/03/17/xi-to-visit-moscow"
SECOND_REPORT = "2023-03-18-kremlin-confirms-xi-visit"  # written for the tests: makes ARTICLE's story
BRIEFING = "2023-03-18"  # the story, and an article of no story
STORY = ARTICLE  # a story is named after its first article
THEME = "summits-visits"
PAGES = {
    "home": "{lang}/",
    "briefing": f"{{lang}}/briefings/{BRIEFING}.html",
    "theme": f"{{lang}}/themes/{THEME}/",
    "article": f"{{lang}}/articles/{ARTICLE}.html",
    "bilingual": f"{{lang}}/bilingual/{ARTICLE}.html",
    "story": f"{{lang}}/stories/{STORY}.html",
}
OTHER_PAGES = ["", "404.html", "en/404.html", "ar/themes/", "en/themes/", "ar/archive/", "en/archive/",
               "ar/archive/2023/03/", "en/archive/2023/03/"]  # checked once each: axe and overflow on a phone
LANGS = {"ar": "rtl", "en": "ltr"}
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
TABS = {
    **{name: {"viewport": size} for name, size in VIEWPORTS.items()},
    "narrowest": {"viewport": {"width": 320, "height": 640}},
    "dark": {"viewport": VIEWPORTS["desktop"], "color_scheme": "dark"},
    "no-script": {"viewport": VIEWPORTS["phone"], "java_script_enabled": False},
    "print": {"viewport": VIEWPORTS["desktop"]},  # its tab emulates print media
}
VISITS = [(page, lang, viewport) for page in PAGES for lang in LANGS for viewport in VIEWPORTS]
VISIT_IDS = [f"{page}-{lang}-{viewport}" for page, lang, viewport in VISITS]

AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => `${v.id} (${v.impact}): ${v.help}\\n` +
    v.nodes.map(n => `    ${n.target.join(" ")}: ${n.failureSummary.replace(/\\n/g, " ")}`).join("\\n"));
}"""
LAYOUT = """() => ({
  htmlDirection: getComputedStyle(document.documentElement).direction,
  bodyDirection: getComputedStyle(document.body).direction,
  lang: document.documentElement.lang,
  scrollWidth: document.scrollingElement.scrollWidth,
  innerWidth: window.innerWidth,
})"""
PAIRS = """() => [...document.querySelectorAll(".pair")].map(pair =>
  [...pair.children].map(cell => {
    const box = cell.getBoundingClientRect();
    return {lang: cell.lang, dir: cell.dir, direction: getComputedStyle(cell).direction,
            text: cell.textContent.trim().length, left: box.left, right: box.right, top: box.top,
            bottom: box.bottom};
  }))"""


def require(available: bool, message: str) -> None:
    """Skip loudly where a tool the test needs is missing; on CI (CI=true) the same gap is a failure."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def axe_file() -> Path | None:
    """axe-core's axe.min.js as bundled by the axe-playwright-python package (its Python is never imported)."""
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "axe.min.js"


def run_axe(tab) -> list[str]:
    """axe-core's violations on the tab's page, one readable paragraph each."""
    tab.add_script_tag(url=AXE_PATH)
    return tab.evaluate(AXE_RUN)


def give_original_link(site: Path, slug: str, url: str) -> None:
    """Add a `url:` to an article's front matter, so its pages show the source link and the original."""
    path = site / "content" / "articles" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n") and "\nurl:" not in text.split("\n---\n", 1)[0], path
    path.write_text(f"---\nurl: {url}\n{text[4:]}", encoding="utf-8")


def add_second_report(site: Path) -> None:
    """A second report of ARTICLE's event, from another outlet the next day (text written for the
    tests, with its editors' translation): the sample site then has a story to show."""
    for suffix in (".md", ".en.md"):
        shutil.copyfile(DATA / f"second-report{suffix}", site / "content" / "articles" / f"{SECOND_REPORT}{suffix}")


def build_linked_sample(folder: Path) -> Path:
    """The sample site, one article given a link to its original and a second report of its story,
    built; returns its output folder."""
    site = copy_sample_site(folder / "site")
    give_original_link(site, ARTICLE, ORIGINAL_URL)
    add_second_report(site)
    report = build(BuildOptions(site_dir=site))
    assert not report.errors, report.errors
    return site / "output"


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves the output folder, and axe-core at AXE_PATH so the browser caches it; logs nothing."""

    def __init__(self, *args, axe: Path | None, **kwargs):
        self.axe = axe
        super().__init__(*args, **kwargs)

    def translate_path(self, path: str) -> str:
        if self.axe is not None and urlsplit(path).path == AXE_PATH:
            return str(self.axe)
        return super().translate_path(path)

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    return build_linked_sample(tmp_path_factory.mktemp("browser"))


@contextlib.contextmanager
def serving(directory: Path, axe: Path | None):
    """The built site on a free loopback port: yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(directory), axe=axe))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def chromium():
    """Debian's Chromium under Playwright. Start it after the build: the build may run asyncio, which
    cannot run inside Playwright's loop."""
    require(sync_playwright is not None, f"{NOT_RUN}: playwright is not installed (pip install -e '.[test]')")
    require(CHROMIUM.is_file(), f"{NOT_RUN}: {CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def base_url(output: Path):
    with serving(output, axe_file()) as url:
        yield url


@pytest.fixture(scope="module")
def browser(output):
    require(axe_file() is not None, f"{NOT_RUN}: axe-playwright-python is not installed (pip install -e '.[test]')")
    with chromium() as started:
        yield started


@pytest.fixture(scope="module")
def tabs(browser):
    """One tab per viewport and reading condition (TABS), reused by every test in the module."""
    contexts = {name: browser.new_context(**options) for name, options in TABS.items()}
    opened = {name: context.new_page() for name, context in contexts.items()}
    opened["print"].emulate_media(media="print")
    yield opened
    for context in contexts.values():
        context.close()


@dataclass(frozen=True)
class Visit:
    """What one page showed at one viewport, and where its language switcher led."""

    layout: dict
    pairs: list[list[dict]]  # the bilingual view's paired cells; empty on other pages
    violations: list[str]
    switched_url: str
    switched_layout: dict


@pytest.fixture(scope="module")
def visits(tabs, base_url):
    """Each page is loaded, measured, screenshotted, checked with axe and switched once, on first request."""
    seen: dict[tuple[str, str, str], Visit] = {}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def visit(page: str, lang: str, viewport: str) -> Visit:
        key = (page, lang, viewport)
        if key not in seen:
            tab = tabs[viewport]
            tab.goto(base_url + PAGES[page].format(lang=lang))
            layout = tab.evaluate(LAYOUT)
            pairs = tab.evaluate(PAIRS) if page == "bilingual" else []
            tab.screenshot(path=SCREENSHOTS / f"{page}-{lang}-{viewport}.png", full_page=True)
            violations = run_axe(tab)
            tab.click(".lang-switch")
            tab.wait_for_load_state()
            seen[key] = Visit(layout, pairs, violations, tab.url, tab.evaluate(LAYOUT))
        return seen[key]

    return visit


@pytest.mark.parametrize(("page", "lang", "viewport"), VISITS, ids=VISIT_IDS)
def test_direction_follows_the_language(visits, page, lang, viewport):
    layout = visits(page, lang, viewport).layout
    assert layout["lang"] == lang
    assert (layout["htmlDirection"], layout["bodyDirection"]) == (LANGS[lang], LANGS[lang])


@pytest.mark.parametrize(("page", "lang", "viewport"), VISITS, ids=VISIT_IDS)
def test_no_horizontal_overflow(visits, page, lang, viewport):
    layout = visits(page, lang, viewport).layout
    assert layout["scrollWidth"] <= layout["innerWidth"], f"the page scrolls sideways: {layout}"


@pytest.mark.parametrize(("page", "lang", "viewport"), VISITS, ids=VISIT_IDS)
def test_axe_finds_no_accessibility_violations(visits, page, lang, viewport):
    violations = visits(page, lang, viewport).violations
    assert not violations, "axe-core violations:\n" + "\n".join(violations)


@pytest.mark.parametrize(("page", "lang", "viewport"), VISITS, ids=VISIT_IDS)
def test_language_switcher_opens_the_counterpart(visits, base_url, page, lang, viewport):
    other = "en" if lang == "ar" else "ar"
    result = visits(page, lang, viewport)
    assert result.switched_url == base_url + PAGES[page].format(lang=other)
    assert result.switched_layout["lang"] == other
    assert result.switched_layout["bodyDirection"] == LANGS[other]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_no_horizontal_overflow_at_320_pixels(tabs, base_url, page, lang):
    tab = tabs["narrowest"]
    tab.goto(base_url + PAGES[page].format(lang=lang))
    layout = tab.evaluate(LAYOUT)
    assert layout["scrollWidth"] <= layout["innerWidth"], f"the page scrolls sideways: {layout}"


@pytest.mark.parametrize("path", OTHER_PAGES)
def test_other_pages_pass_axe_and_fit_a_phone(tabs, base_url, path):
    tab = tabs["phone"]
    tab.goto(base_url + path)
    layout = tab.evaluate(LAYOUT)
    violations = run_axe(tab)
    assert layout["scrollWidth"] <= layout["innerWidth"], f"the page scrolls sideways: {layout}"
    assert not violations, "axe-core violations:\n" + "\n".join(violations)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGS)
def test_bilingual_view_pairs_each_paragraph_with_its_translation(visits, lang, viewport):
    pairs = visits("bilingual", lang, viewport).pairs
    assert len(pairs) >= 10
    for index, cells in enumerate(pairs):
        assert [cell["lang"] for cell in cells] == ([lang, "en" if lang == "ar" else "ar"]), index
        arabic, english = sorted(cells, key=lambda cell: cell["lang"])
        assert (arabic["dir"], arabic["direction"]) == ("rtl", "rtl"), index
        assert (english["dir"], english["direction"]) == ("ltr", "ltr"), index
        assert arabic["text"] and english["text"], f"pair {index} has an empty side"
        if viewport == "desktop":  # side by side, Arabic on the right, tops level
            assert english["right"] <= arabic["left"], (index, cells)
            assert abs(arabic["top"] - english["top"]) <= 2, (index, cells)
        else:  # stacked, the page's language first, in one column
            first, second = cells
            assert first["bottom"] <= second["top"], (index, cells)
            assert abs(first["left"] - second["left"]) <= 2 and abs(first["right"] - second["right"]) <= 2


@pytest.mark.parametrize("lang", LANGS)
def test_skip_link_is_the_first_stop_and_visibly_focused(tabs, base_url, lang):
    tab = tabs["phone"]
    tab.goto(base_url + PAGES["article"].format(lang=lang))
    tab.keyboard.press("Tab")
    focused = tab.evaluate("""() => {
      const el = document.activeElement, box = el.getBoundingClientRect(), style = getComputedStyle(el);
      return {cls: el.className, top: box.top, bottom: box.bottom, outline: style.outlineStyle,
              width: parseFloat(style.outlineWidth)};
    }""")
    assert focused["cls"] == "skip-link"
    assert 0 <= focused["top"] < focused["bottom"] <= VIEWPORTS["phone"]["height"], focused
    assert focused["outline"] != "none" and focused["width"] >= 2, focused
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("lang", LANGS)
def test_article_page_shows_its_parts_and_mirrors_arrows(tabs, base_url, lang):
    tab = tabs["desktop"]
    tab.goto(base_url + PAGES["article"].format(lang=lang))
    assert tab.locator(f'.byline a[href="{ORIGINAL_URL}"]').is_visible()
    assert tab.locator(f'a.original[href="{ORIGINAL_URL}"]').is_visible()
    assert tab.locator(".chip").count() >= 1
    assert tab.locator(".summary li").count() >= 1
    assert tab.locator("#story .story-headline a").is_visible()
    assert tab.locator(".more .card").count() >= 1
    assert tab.locator(".translation-notice").count() == (1 if lang == "en" else 0)
    if lang == "en":  # the Arabic name of the source keeps its own language and direction
        assert tab.locator(".byline .source [lang='ar']").first.get_attribute("dir") == "rtl"
    transforms = tab.locator(".arrow").evaluate_all("arrows => arrows.map(a => getComputedStyle(a).transform)")
    assert transforms and set(transforms) == {"matrix(-1, 0, 0, 1, 0, 0)" if lang == "ar" else "none"}


@pytest.mark.parametrize("lang", LANGS)
def test_article_reads_without_javascript(tabs, base_url, lang):
    tab = tabs["no-script"]
    tab.goto(base_url + PAGES["article"].format(lang=lang))
    assert tab.locator("h1").is_visible()
    assert tab.locator(".article-body p").count() >= 5
    assert tab.locator(".article-body p").first.is_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_dark_mode_darkens_the_page_and_keeps_contrast(tabs, base_url, lang):
    tab = tabs["dark"]
    tab.goto(base_url + PAGES["article"].format(lang=lang))
    background = tab.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    tab.screenshot(path=SCREENSHOTS / f"article-{lang}-dark.png")
    violations = run_axe(tab)
    red, green, blue = (int(part) for part in background[background.index("(") + 1:-1].split(",")[:3])
    assert max(red, green, blue) < 64, f"dark mode did not darken the page: {background}"
    assert not violations, "axe-core violations in dark mode:\n" + "\n".join(violations)


@pytest.mark.parametrize("lang", LANGS)
def test_print_shows_the_briefing_without_navigation(tabs, base_url, lang):
    tab = tabs["print"]
    tab.goto(base_url + PAGES["briefing"].format(lang=lang))
    shown = tab.evaluate("""() => Object.fromEntries(
      [".skip-link", ".site-nav", ".lang-switch", ".site-search", ".site-footer", ".pager", "h1", ".story"].map(s =>
        [s, [...document.querySelectorAll(s)].some(el => el.getClientRects().length > 0)]))""")
    colors = tab.evaluate("""() => [getComputedStyle(document.documentElement).backgroundColor,
                                    getComputedStyle(document.body).color]""")
    pdf = tab.pdf(format="A4")
    (ARTIFACTS / "print").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "print" / f"briefing-{lang}.pdf").write_bytes(pdf)
    assert shown == {".skip-link": False, ".site-nav": False, ".lang-switch": False, ".site-search": False,
                     ".site-footer": False, ".pager": False, "h1": True, ".story": True}
    assert colors == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize("page", ["article", "briefing", "story"])
@pytest.mark.parametrize("lang", LANGS)
def test_readme_screenshots_are_small(tabs, base_url, lang, page):
    tab = tabs["desktop"]
    tab.goto(base_url + PAGES[page].format(lang=lang))
    path = SCREENSHOTS / f"readme-{page}-{lang}.png"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.evaluate("document.fonts.ready.then(() => true)")  # the shipped faces swap in after the first paint
    tab.screenshot(path=path, full_page=True, clip={"x": 0, "y": 0, **README_SHOT})
    assert path.stat().st_size <= README_SHOT_MAX_BYTES
