"""The shipped fonts: Noto Naskh Arabic and Noto Serif, subset woff2 files under static/fonts/.

static/style.css is read with regular expressions (its @font-face blocks hold no nested braces): every
@font-face names a woff2 file that is there and is woff2, swaps (font-display: swap) and has a unicode-range;
each shipped family leads its stack and has its OFL licence and a line in static/fonts/README.md. Then the
sample site is built once: its pages link the published stylesheet, whose font urls resolve to the published
files, and in Debian Chromium (as in test_browser.py: skipped loudly without it, a failure on CI) an Arabic and
an English article are read in the shipped faces.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import lxml.html
import pytest
from conftest import REPO
from test_browser import ARTICLE, build_linked_sample, chromium, serving

STATIC = REPO / "static"
FONTS = STATIC / "fonts"
STYLESHEET = STATIC / "style.css"
# family -> (the custom property whose stack it leads, its licence file)
SHIPPED = {
    "Noto Naskh Arabic": ("--naskh", "OFL-NotoNaskhArabic.txt"),
    "Noto Serif": ("--serif-en", "OFL-NotoSerif.txt"),
}
READING_FAMILY = {"ar": "Noto Naskh Arabic", "en": "Noto Serif"}
SAMPLE_TEXT = {"ar": "قال المسؤول", "en": "The official said"}
ARABIC_FILE = "noto-naskh-arabic-arabic-wght-normal.woff2"

COMMENT = re.compile(r"/\*.*?\*/", re.S)
FONT_FACE = re.compile(r"@font-face\s*\{([^{}]*)\}")
URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)\s*(format\(\s*["']?([\w-]+)["']?\s*\))?""")

FONTS_USED = """async (sample) => {
  await document.fonts.ready;
  const faces = [...document.fonts].map(face => ({
    family: face.family.replace(/^["']|["']$/g, ""), style: face.style, weight: face.weight, status: face.status}));
  return {faces, check: document.fonts.check(`16px "${sample.family}"`, sample.text)};
}"""


def css_text(path: Path = STYLESHEET) -> str:
    return COMMENT.sub("", path.read_text(encoding="utf-8"))


def declarations(block: str) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in block.split(";") if ":" in part)
    return {name.strip().lower(): " ".join(value.split()) for name, value in pairs}


def font_faces(css: str) -> list[dict[str, str]]:
    return [declarations(block) for block in FONT_FACE.findall(css)]


def family(face: dict[str, str]) -> str:
    return face["font-family"].strip("\"'")


def stack(css: str, prop: str) -> list[str]:
    match = re.search(rf"{re.escape(prop)}\s*:\s*([^;]+);", css)
    assert match, f"{prop} is not defined in static/style.css"
    return [name.strip().strip("\"'") for name in match.group(1).split(",")]


def font_urls(css: str) -> list[str]:
    return [url for face in font_faces(css) for _, url, _, _ in URL.findall(face.get("src", ""))]


@pytest.fixture(scope="module")
def faces() -> list[dict[str, str]]:
    found = font_faces(css_text())
    assert found, "static/style.css declares no @font-face"
    return found


def test_every_font_face_is_a_shipped_woff2_file(faces):
    used = set()
    for face in faces:
        sources = URL.findall(face.get("src", ""))
        assert sources, f"an @font-face for {family(face)} has no url(): {face}"
        for _, url, _, fmt in sources:
            assert fmt == "woff2", f'{url}: declare it format("woff2")'
            path = (STATIC / url).resolve()  # relative to the stylesheet, as a browser resolves it
            assert path.parent == FONTS.resolve(), f"{url} is not in static/fonts/"
            assert path.is_file(), f"{url}: static/fonts/{path.name} is missing"
            data = path.read_bytes()
            assert data[:4] == b"wOF2", f"{path.name} is not woff2 (an LFS pointer or a renamed file?)"
            assert struct.unpack(">I", data[8:12])[0] == len(data), f"{path.name} is truncated or padded"
            used.add(path.name)
    assert used == {p.name for p in FONTS.glob("*.woff2")}, "static/fonts/ holds a woff2 file no @font-face uses"


def test_every_font_face_swaps_and_has_a_unicode_range(faces):
    for face in faces:
        assert face.get("font-display") == "swap", f"{family(face)}: font-display is not swap: {face}"
        assert face.get("unicode-range", "").startswith("U+"), f"{family(face)}: no unicode-range: {face}"


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_family_leads_its_stack_and_keeps_the_fallbacks(name):
    prop, _ = SHIPPED[name]
    names = stack(css_text(), prop)
    assert names[0] == name, f"{prop} starts with {names[0]!r}, not the shipped {name!r}"
    assert len(names) > 2 and names[-1] == "serif", f"{prop} lost its fallbacks: {names}"


def test_only_the_shipped_families_are_declared(faces):
    assert {family(face) for face in faces} == set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_family_has_its_ofl_licence_and_readme_line(name, faces):
    _, licence = SHIPPED[name]
    text = (FONTS / licence).read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in text and "Copyright" in text
    readme = (FONTS / "README.md").read_text(encoding="utf-8")
    files = {Path(url).name for face in faces if family(face) == name for _, url, _, _ in URL.findall(face["src"])}
    for mentioned in (licence, *files):
        assert f"`{mentioned}`" in readme, f"static/fonts/README.md does not say where {mentioned} came from"


# --- the built sample site ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    return build_linked_sample(tmp_path_factory.mktemp("fonts"))


@pytest.mark.parametrize("lang", READING_FAMILY)
def test_built_pages_link_the_stylesheet_whose_fonts_are_published(output, lang):
    page = output / lang / "articles" / f"{ARTICLE}.html"
    hrefs = lxml.html.parse(str(page)).xpath("//link[@rel='stylesheet']/@href")
    sheets = [(page.parent / href).resolve() for href in hrefs]
    published = (output / "static" / "style.css").resolve()
    assert published in sheets, f"{page.relative_to(output)} does not link static/style.css: {hrefs}"
    urls = font_urls(css_text(published))
    assert urls
    for url in urls:
        font = (published.parent / url).resolve()
        assert font.read_bytes() == (FONTS / Path(url).name).read_bytes(), f"{url} is not published as it is"


# --- in a browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(output: Path):
    with serving(output, axe=None) as url:
        yield url


@pytest.fixture(scope="module")
def browser(output):
    with chromium() as started:
        yield started


@pytest.fixture
def tab(browser):
    """A tab in a context of its own: an empty cache, so every font the page needs is fetched and seen."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    yield context.new_page()
    context.close()


def rendered_fonts(tab, selector: str) -> list[dict]:
    """The fonts Chromium drew the first element matching selector with, as the DevTools protocol reports them."""
    cdp = tab.context.new_cdp_session(tab)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"no {selector} on {tab.url}"
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()


@pytest.mark.parametrize("lang", READING_FAMILY)
def test_article_is_read_in_the_shipped_face(tab, base_url, lang):
    expected = READING_FAMILY[lang]
    fetched: dict[str, int] = {}

    def record(response) -> None:
        fetched.setdefault(response.url.rsplit("/", 1)[-1], response.status)

    tab.on("response", record)
    try:
        tab.goto(base_url + f"{lang}/articles/{ARTICLE}.html")
        result = tab.evaluate(FONTS_USED, {"family": expected, "text": SAMPLE_TEXT[lang]})
    finally:
        tab.remove_listener("response", record)

    faces = result["faces"]
    assert not [face for face in faces if face["status"] == "error"], f"a font failed to load: {faces}"
    loaded = {face["family"] for face in faces if face["status"] == "loaded"}
    assert expected in loaded, f"{expected} was not loaded: {faces}"
    assert result["check"], f'document.fonts.check("16px \\"{expected}\\"") is false after document.fonts.ready'
    woff2 = {name: status for name, status in fetched.items() if name.endswith(".woff2")}
    assert woff2 and set(woff2.values()) == {200}, f"font requests: {woff2}"
    if lang == "en":  # unicode-range at work: the sample's English article has no Arabic reading text
        assert ARABIC_FILE not in woff2, f"an English article fetched the Arabic font: {woff2}"

    for selector in (".article-body p", "h1"):
        fonts = rendered_fonts(tab, selector)
        main = max(fonts, key=lambda font: font["glyphCount"])
        assert (main["familyName"], main["isCustomFont"]) == (expected, True), \
            f"{selector} on the {lang} article is drawn mostly in {fonts}"
