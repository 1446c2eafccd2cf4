"""Hostile and broken input: every problem becomes a message naming the file, nothing is injected.

Three parts: a table of broken inputs, each with the message it must produce; property-based runs
of `check` and `build` over generated front matter, Markdown, Arabic/bidi text and site.yaml; and a
payload corpus placed in every field of a site built end to end, whose output is parsed and
searched for anything executable.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest
import yaml
from conftest import FUZZ, REPO, run_cli
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from generator.front_matter import KNOWN_KEYS
from generator.load import load_articles
from generator.config import load_config
from generator.pipeline import BuildOptions, build, check
from generator.structure import BuildFailed, Diagnostic
from generator.translate.memory import ModelIdentity, TranslationMemory

CONFIG = "themes:\n  - id: trade\n    name: {ar: التجارة, en: Trade}\n"
ARTICLE = "---\ntitle: عنوان المقال\ndate: 2023-03-17\n---\nقال المسؤول إن المحادثات ستستمر. وأضاف أن الزيارة مهمة.\n"
BIDI_CONTROLS = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")


def make_site(root: Path, files: dict[str, str | bytes], config: str = CONFIG) -> Path:
    """A site folder with the repository's templates and the given articles (paths under content/articles/)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(config, encoding="utf-8")
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, root / folder, dirs_exist_ok=True)
    articles = root / "content" / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = articles / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root


def argos_home_with(model: Path, home: Path) -> dict[str, str]:
    """Environment for subprocess builds with the model installed: unpacked, as `models install` does."""
    env = {"ARGOS_PACKAGES_DIR": str(home / "packages"), "XDG_DATA_HOME": str(home / "data"),
           "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config")}
    with zipfile.ZipFile(model) as archive:
        archive.extractall(env["ARGOS_PACKAGES_DIR"])
    return env


def checked(site: Path) -> list[Diagnostic]:
    return check(BuildOptions(site_dir=site)).diagnostics


def front(lines: str, body: str = "نص المقال هنا.\n") -> str:
    return f"---\n{lines}\n---\n{body}"


# --- broken inputs: each gives one clear message naming the file, line or key --------------------

def _alias_bomb() -> str:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return front("\n".join(levels) + "\ndate: *a8")


_UTF8_ARTICLE = front("title: عنوان\ndate: 2023-01-02", "نص المقال.\nسطر ثان.\n")

# (case, files, expected file, level, line, key, words in the message)
BROKEN_INPUTS = [
    ("impossible date", {"a.md": front("date: 2023-02-30")}, "a.md", "error", None, "date", "not a valid date"),
    ("impossible month", {"a.md": front("date: 2023-13-01")}, "a.md", "error", None, "date", "not a valid date"),
    ("ambiguous date", {"a.md": front("date: 03/04/2023")}, "a.md", "error", None, "date", "ambiguous"),
    ("date as a number", {"a.md": front("date: 20230317")}, "a.md", "error", None, "date", "not a valid date"),
    ("far past", {"a.md": front("date: 1066-10-14")}, "a.md", "error", None, "date", "implausible"),
    ("far future", {"a.md": front("date: 3023-01-01")}, "a.md", "error", None, "date", "implausible"),
    ("future", {"a.md": front("date: 2099-01-01")}, "a.md", "warning", None, "date", "in the future"),
    ("empty date", {"a.md": front("date:")}, "a.md", "warning", None, "date", "no date"),
    ("unhashable key", {"a.md": front("? [a, b]\n: 1")}, "a.md", "error", 2, None, "unhashable"),
    ("tag that does not fit", {"a.md": front("title: !!float abc")}, "a.md", "error", 2, None, "invalid front matter"),
    ("python tag", {"a.md": front("title: !!python/object/apply:os.system [id]")}, "a.md", "error", 2, None,
     "invalid front matter"),
    ("deep nesting", {"a.md": front("title: " + "[" * 20000 + "]" * 20000)}, "a.md", "error", 2, None,
     "nested too deeply"),
    ("alias bomb", {"a.md": _alias_bomb()}, "a.md", "error", 6, None, "too many YAML aliases"),
    ("only front matter", {"a.md": front("title: x", "")}, "a.md", "error", None, None, "no body"),
    ("empty file", {"a.md": b""}, "a.md", "error", None, None, "no body"),
    ("wrong language", {"a.md": front("lang: en")}, "a.md", "error", None, "lang", "not supported"),
    ("script url", {"a.md": front("url: 'JaVaScRiPt:alert(1)'")}, "a.md", "warning", None, "url", "http(s)"),
    ("url without host", {"a.md": front("url: 'https:javascript:alert(1)'")}, "a.md", "warning", None, "url",
     "http(s)"),
    ("5 MB on one line", {"a.md": front("title: x\ndate: 2023-01-01", "كلمة " * 500_000)}, "a.md", "error",
     None, None, "MB"),
    ("damaged UTF-8", {"a.md": _UTF8_ARTICLE.encode() + b"\xff\xfe" + "نص".encode()}, "a.md", "error", 7, None,
     "invalid UTF-8"),
    ("NUL bytes", {"a.md": ARTICLE.replace("المسؤول", "\x00\x00").encode()}, "a.md", "error", None, None,
     "cannot decode"),
    ("UTF-16 LE without BOM", {"a.md": _UTF8_ARTICLE.encode("utf-16-le")}, "a.md", "warning", None, None,
     "UTF-16 (little-endian"),
    ("UTF-16 BE without BOM", {"a.md": _UTF8_ARTICLE.encode("utf-16-be")}, "a.md", "warning", None, None,
     "UTF-16 (big-endian"),
    ("UTF-16 BE with BOM", {"a.md": codecs.BOM_UTF16_BE + _UTF8_ARTICLE.encode("utf-16-be")}, "a.md", "warning",
     None, None, "UTF-16"),
    ("Windows-1256", {"a.md": _UTF8_ARTICLE.encode("cp1256")}, "a.md", "warning", None, None, "Windows-1256"),
    ("same slug in two folders", {"one/x.md": ARTICLE, "two/x.md": ARTICLE.replace("عنوان", "خبر")},
     "two/x.md", "error", None, None, "already used by content/articles/one/x.md"),
    ("same slug by letter case", {"X.md": ARTICLE, "x.md": ARTICLE.replace("عنوان", "خبر")}, "x.md", "error",
     None, None, "already used by content/articles/X.md"),
    ("same title", {"a.md": ARTICLE, "b.md": ARTICLE.replace("ستستمر", "تتواصل")}, "b.md", "warning", None, "title",
     "also the title of content/articles/a.md"),
]


@pytest.mark.parametrize("case, files, name, level, line, key, words", BROKEN_INPUTS,
                         ids=[case[0] for case in BROKEN_INPUTS])
def test_broken_input_gives_a_clear_message(tmp_path, case, files, name, level, line, key, words):
    site = make_site(tmp_path / "site", files)
    found = [d for d in checked(site) if d.path == f"content/articles/{name}" and words in d.message]
    assert len(found) == 1, (case, [str(d) for d in checked(site)])
    problem = found[0]
    assert (problem.level, problem.line, problem.key) == (level, line, key), str(problem)
    assert problem.hint and len(str(problem)) < 400, "say what to do, briefly"


def test_broken_inputs_fail_the_build_with_the_same_messages(tmp_path):
    """`build` stops on the errors `check` reports, with the same file names, and writes nothing."""
    files = {f"{i:02d}.md": text for i, (_, cases, *_rest) in enumerate(BROKEN_INPUTS[:12])
             for text in cases.values()}
    site = make_site(tmp_path / "site", files)
    expected = {d.path for d in checked(site) if d.level == "error"}
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(site_dir=site))
    assert {d.path for d in failure.value.diagnostics} == expected and len(expected) >= 10
    assert not (site / "output").exists()


def test_odd_file_names_are_printable_in_messages_and_give_ascii_slugs(tmp_path):
    site = make_site(tmp_path / "site", {})
    articles = site / "content" / "articles"
    odd = os.fsencode(articles) + b"/\xff\x1b[31mred\n\xe2\x80\xaegnp.md"  # undecodable, ANSI escape, newline, RLO
    with open(odd, "wb") as handle:
        handle.write(front("date: 03/04/2023").encode())
    (problem,) = [d for d in checked(site) if d.key == "date"]
    assert problem.path.isprintable() and "\\x1b" in problem.path and "\\u202e" in problem.path
    (articles / os.fsdecode(odd).rsplit("/", 1)[1]).write_text(ARTICLE, encoding="utf-8")
    (article,) = load_articles(load_config(site)).articles
    assert re.fullmatch(r"[a-z0-9-]+", article.slug) and "gnp" in article.slug


def test_bidi_zero_width_and_mixed_scripts_build(tmp_path):
    title = "\u202eزيارة\u200b Xi 习近平 Путин 🇨🇳\u2066 «قمة»\u2069"
    text = front(f'title: "{title}"\nsource: "\u202bرويترز\u202c"\nauthor: "\u200fكاتب\u200f"\ndate: 2023-03-17',
                 "قال \u202eالمسؤول\u202c إن Xi سيزور موسكو. 习近平 Путин.\n")
    site = make_site(tmp_path / "site", {"\u202ezyarh\u200b.md": text})
    build(BuildOptions(site_dir=site))
    (page,) = (site / "output" / "ar" / "articles").glob("*.html")
    assert re.fullmatch(r"[a-z0-9-]+", page.stem)
    root = lxml.html.parse(str(page)).getroot()
    heading = root.findtext(".//h1") or root.xpath("string(//h1)")
    assert "زيارة Xi 习近平 Путин 🇨🇳 «قمة»" in " ".join(heading.split())
    for element in root.xpath("//title | //h1"):
        assert not BIDI_CONTROLS.search(element.text_content()), element.text_content()
    body_text = root.text_content() + " ".join(root.xpath("//meta/@content"))
    assert "المسؤول" in body_text and not re.search("[\u202a-\u202e]", body_text), "overrides are stripped"


# --- symlinks and paths -------------------------------------------------------------------------

def test_links_to_folders_and_translations_outside_the_site_are_refused(tmp_path):
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "folder" / "secret.md").write_text(ARTICLE, encoding="utf-8")
    (outside / "secret.en.md").write_text("---\ntitle: SECRET\n---\nSECRET TEXT\n", encoding="utf-8")
    site = make_site(tmp_path / "site", {"a.md": ARTICLE})
    articles = site / "content" / "articles"
    (articles / "linked-folder").symlink_to(outside / "folder")
    (articles / "a.en.md").symlink_to(outside / "secret.en.md")
    (site / "content" / "folder").mkdir()
    (articles / "dir.md").symlink_to(site / "content" / "folder", target_is_directory=True)
    result = load_articles(load_config(site))
    errors = {d.path: d.message for d in result.diagnostics if d.level == "error"}
    assert "outside the site" in errors["content/articles/linked-folder"]
    assert "outside the site" in errors["content/articles/a.en.md"]
    assert "not a regular file" in errors["content/articles/dir.md"]
    (article,) = result.articles
    assert article.editor_translation is None, "the linked translation must not be read"


def test_glossary_linked_outside_the_site_is_refused(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("قال: LEAKED FROM OUTSIDE\n", encoding="utf-8")
    site = make_site(tmp_path / "site", {"a.md": ARTICLE})
    (site / "content" / "glossary.yaml").symlink_to(outside)
    assert any(d.level == "error" and "glossary" in d.path for d in checked(site) + _translate_diagnostics(site))


def test_memory_linked_outside_the_site_is_not_written(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "0-000.jsonl").write_text("precious\n", encoding="utf-8")
    site = make_site(tmp_path / "site", {"a.md": ARTICLE})
    config = load_config(site)
    part = config.memory_path / "0-000.jsonl"
    for link, target in ((config.memory_path, outside), (config.legacy_memory_path, outside / "0-000.jsonl"),
                         (part, outside / "0-000.jsonl")):
        link.parent.mkdir(exist_ok=True)
        link.symlink_to(target)
        with contextlib.suppress(OSError, BuildFailed):
            TranslationMemory(config.memory_path, config.legacy_memory_path).add(
                [("قال", "said")], ModelIdentity("translate-ar_en", "1.0", "abc", "beam=4"), "label")
        assert sorted(p.name for p in outside.iterdir()) == ["0-000.jsonl"]
        assert (outside / "0-000.jsonl").read_text(encoding="utf-8") == "precious\n"
        link.unlink()
        shutil.rmtree(config.memory_path, ignore_errors=True)


def _translate_diagnostics(site: Path) -> list[Diagnostic]:
    try:
        return build(BuildOptions(site_dir=site)).diagnostics
    except BuildFailed as failure:
        return failure.diagnostics


def test_path_like_fields_cannot_leave_their_folder(tmp_path):
    files = {"a.md": front("themes: ['../../../etc', 'trade/../../x', '/abs']"),
             "..hidden.md": ARTICLE, "bb..cc.md": ARTICLE.replace("عنوان", "آخر")}
    site = make_site(tmp_path / "site", files)
    theme_errors = [d for d in checked(site) if d.key == "themes"]
    assert len(theme_errors) == 3 and all("unknown theme id" in d.message for d in theme_errors)
    slugs = {a.slug for a in load_articles(load_config(site)).articles}
    assert all(re.fullmatch(r"[a-z0-9-]+", slug) for slug in slugs) and "bb-cc" in slugs


# --- site.yaml ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, line", [("title: !!float abc\n", 1), ("title: [1\n", 2), ("a: 1\na: 2\n", 2),
                                        ("title:\n" + "".join("  " * i + "-\n" for i in range(500)), 1)],
                         ids=["bad tag", "syntax", "duplicate key", "deep nesting"])
def test_broken_site_yaml_is_one_error(tmp_path, text, line):
    site = make_site(tmp_path / "site", {"a.md": ARTICLE}, config=text)
    (problem,) = checked(site)
    assert (problem.path, problem.level, problem.line) == ("site.yaml", "error", line)


def test_date_shaped_site_title_is_text(tmp_path):
    site = make_site(tmp_path / "site", {"a.md": ARTICLE}, config="title: 2023-13-01\n")
    assert not checked(site) and load_config(site).title_en == "2023-13-01"


def test_protocol_relative_base_url_is_refused(tmp_path):
    site = make_site(tmp_path / "site", {"a.md": ARTICLE}, config="base_url: //evil.example/\n")
    assert any(d.key == "base_url" for d in checked(site))


# --- properties: no uncaught exception, every message names its file ------------------------------

ARABIC_AND_BIDI = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs", "Cf", "Mn"))
MARKDOWN_TEXT = st.lists(st.one_of(ARABIC_AND_BIDI, st.sampled_from(
    list("#*_[]()<>!`&;:-=|\\\"'\n \t\u202e\u200b\u2067") + ["قال", "](javascript:", "<script>", "&#106;",
                                                             "http://", "\n---\n", "```", "\n\n", "1. "])),
    max_size=120).map("".join)
YAML_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40),
                         st.dates(min_value=dt.date(1, 1, 1)), ARABIC_AND_BIDI.map(lambda c: c * 3))
YAML_VALUES = st.recursive(YAML_SCALARS, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
FRONT_MATTER = st.one_of(
    st.dictionaries(st.sampled_from(KNOWN_KEYS + ("colour", "tags")) | st.text(max_size=10), YAML_VALUES,
                    max_size=6).map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
    st.text(max_size=200),
)


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("fuzz") / "site", {})


def _write_article(site: Path, front_matter: str, body: str, suffix: str) -> str:
    articles = site / "content" / "articles"
    for old in articles.iterdir():
        old.unlink()
    (articles / f"fuzz{suffix}").write_text(f"---\n{front_matter}\n---\n{body}", encoding="utf-8")
    return f"content/articles/fuzz{suffix}"


@settings(FUZZ)
@given(front_matter=FRONT_MATTER, body=MARKDOWN_TEXT, suffix=st.sampled_from([".md", ".txt", ".MD", ".markdown"]))
def test_check_survives_any_front_matter_and_body(fuzz_site, front_matter, body, suffix):
    rel = _write_article(fuzz_site, front_matter, body, suffix)
    report = check(BuildOptions(site_dir=fuzz_site))
    assert all(d.path == rel for d in report.diagnostics), [str(d) for d in report.diagnostics]
    assert all(d.message and (d.level != "error" or d.hint) for d in report.diagnostics)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # shrinking whole builds takes minutes
@given(title=MARKDOWN_TEXT, body=MARKDOWN_TEXT, author=st.text(max_size=30))
def test_build_survives_any_article_and_publishes_nothing_executable(fuzz_site, title, body, author):
    fields = yaml.safe_dump({"title": title, "author": author, "date": dt.date(2023, 3, 17)}, allow_unicode=True)
    rel = _write_article(fuzz_site, fields, "قال المسؤول إن المحادثات ستستمر.\n\n" + body, ".md")
    try:
        build(BuildOptions(site_dir=fuzz_site))
    except BuildFailed as failure:
        assert all(d.path in (rel, "translation-memory") for d in failure.diagnostics)
        return
    assert_nothing_executable(fuzz_site / "output")


SITE_KEYS = ("title", "description", "base_url", "domain", "default_language", "digits", "briefings", "summary",
             "related_articles", "translation", "cleaning", "themes", "colour")
CONFIG_VALUES = st.one_of(YAML_VALUES, st.lists(st.fixed_dictionaries(
    {"id": st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True) | st.text(max_size=8),
     "name": YAML_VALUES, "keywords": st.fixed_dictionaries({"ar": st.lists(st.text(max_size=8), max_size=3)})}),
    max_size=3))


@settings(FUZZ, max_examples=FUZZ.max_examples // 2)
@given(config=st.dictionaries(st.sampled_from(SITE_KEYS), CONFIG_VALUES, max_size=6))
def test_check_survives_any_site_yaml(fuzz_site, config):
    _write_article(fuzz_site, "date: 2023-03-17", "نص المقال.", ".md")
    (fuzz_site / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    try:
        report = check(BuildOptions(site_dir=fuzz_site))
    finally:
        (fuzz_site / "site.yaml").write_text(CONFIG, encoding="utf-8")
    config_problems = [d for d in report.diagnostics if d.path == "site.yaml"]
    assert all(d.path in ("site.yaml", "content/articles/fuzz.md") for d in report.diagnostics)
    assert all(d.line is not None for d in config_problems), [str(d) for d in config_problems]


# --- the payload corpus ------------------------------------------------------------------------------

# OWASP XSS filter-evasion style: each carries a unique alert(N) so a leak can be traced to its payload.
PAYLOADS = (
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>alert(2)",
    '"><script>alert(3)</script>',
    "'><script>alert(4)</script>",
    "</title><script>alert(5)</script>",
    "</script><script>alert(6)</script>",
    "</textarea></style><script>alert(7)</script>",
    "<img src=x onerror=alert(8)>",
    '<IMG SRC="javascript:alert(9);">',
    "<IMG SRC=JaVaScRiPt:alert(10)>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(11)>",
    '<IMG SRC="jav&#x09;ascript:alert(12);">',
    '<IMG SRC=" &#14;  javascript:alert(13);">',
    "<svg onload=alert(14)>",
    "<svg><script>alert(15)</script></svg>",
    "<body onload=alert(16)>",
    '<iframe src="javascript:alert(17)"></iframe>',
    '<a href="javascript:alert(18)">x</a>',
    "[click](javascript:alert(19))",
    "[click](JAVASCRIPT:alert(20))",
    "[click](&#106;avascript:alert(21))",
    "[click](<java\tscript:alert(22)>)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgyMyk8L3NjcmlwdD4=) alert(23)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMjQpPg==) alert(24)",
    "![img](javascript:alert(25))",
    "[click](vbscript:msgbox(26)) alert(26)",
    "<javascript:alert(27)>",
    '[x](https://example.org/" onmouseover="alert(28))',
    '[x](https://example.org/ "t\\" onmouseover=alert(29) x=\\"")',
    '<div style="background:url(javascript:alert(30))">',
    '<style>@import "javascript:alert(31)";</style>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(32)">',
    '<object data="javascript:alert(33)"></object>',
    '<embed src="data:text/html,<script>alert(34)</script>">',
    '<form action="javascript:alert(35)"><button formaction="javascript:alert(35)">x</button></form>',
    '<base href="javascript:alert(36)//">',
    "<!--<script>alert(37)</script>-->",
    "<![CDATA[<script>alert(38)</script>]]>",
    "{{ alert(39) }}{% raw %}<script>alert(39)</script>{% endraw %}",
    "\u202e<script>alert(40)</script>\u200b",
    "<scr<script>ipt>alert(41)</scr</script>ipt>",
    "&lt;script&gt;alert(42)&lt;/script&gt;",
    '<a href="&#x6A;&#x61;vascript:alert(43)">x</a>',
    '" onfocus="alert(44)" autofocus="',
    "javascript:alert(45)//https://example.org",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(46)>",
    "<x onmouseover=alert(47) \x00>\x01\x7f",
)
MARKERS = {f"alert({n})" for n in range(1, len(PAYLOADS) + 1)}
SCRIPT_URL = re.compile(r"^(javascript|vbscript|data):")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "srcset",
                  "{http://www.w3.org/1999/xlink}href", "cite", "longdesc", "ping")
FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "frame", "frameset", "applet", "base", "link-import"}
GLOSSARY_TERMS = ("المسؤول", "المحادثات", "الزيارة", "موسكو", "بكين")


def payload_site(root: Path) -> Path:
    """Every field of every kind of input carries payloads; the site still has to build."""
    def chunk(start: int, size: int = 6) -> str:
        return " ".join(PAYLOADS[(start + k) % len(PAYLOADS)] for k in range(size))

    yaml_text = yaml.safe_dump({
        "title": {"ar": chunk(0), "en": chunk(4)},
        "description": {"ar": chunk(8), "en": chunk(12)},
        "themes": [{"id": f"theme-{i}", "name": {"ar": chunk(16 + 4 * i), "en": chunk(24 + 4 * i)},
                    "keywords": {"ar": ["المحادثات", "الزيارة"][i:i + 1], "en": [chunk(32 + i, 2)]}}
                   for i in range(2)],
    }, allow_unicode=True)
    files: dict[str, str] = {}
    body_lines = [f"قال المسؤول إن المحادثات ستستمر في موسكو {payload}" for payload in PAYLOADS]
    markdown_body = "\n\n".join(
        [f"# {PAYLOADS[0]}", *body_lines, *[f"- {p}" for p in PAYLOADS[:8]], *[f"> {p}" for p in PAYLOADS[8:16]]])
    for i in range(8):
        url = (PAYLOADS[44] if i % 3 == 0 else f"https://example.org/{i}/{PAYLOADS[i * 6 % len(PAYLOADS)]}")
        fields = {"title": chunk(i * 6), "source": chunk(i * 6 + 1), "author": chunk(i * 6 + 2), "url": url,
                  "date": dt.date(2023, 3, 1 + i), "themes": ["theme-0"] if i % 2 else []}
        body = markdown_body if i == 0 else "\n\n".join(body_lines[i * 6:i * 6 + 6])
        files[f"article-{i:02d}.md"] = f"---\n{yaml.safe_dump(fields, allow_unicode=True)}---\n{body}\n"
    files["plain.txt"] = "\n".join(body_lines) + "\n"
    files["article-00.en.md"] = f"---\n{yaml.safe_dump({'title': chunk(40)})}---\n{markdown_body}\n"
    site = make_site(root, files, config=yaml_text)
    glossary = {term: chunk(5 * i, 2) for i, term in enumerate(GLOSSARY_TERMS)}
    glossary.update({payload: "harmless" for payload in PAYLOADS[:6]})
    (site / "content" / "glossary.yaml").write_text(yaml.safe_dump(glossary, allow_unicode=True), encoding="utf-8")
    return site


def dangerous_url(value: str) -> bool:
    """What a browser would run: entities are already decoded by lxml; it also drops controls and spaces."""
    return bool(SCRIPT_URL.match(re.sub(r"[\x00-\x20\x7f]+", "", value).lower()))


def assert_safe_html(root: lxml.html.HtmlElement, page: Path, output: Path) -> int:
    """No script but the templates' own, no event handler, no dangerous URL or element. Returns scripts seen."""
    rel = page.relative_to(output).as_posix()
    scripts = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        tag = element.tag.rsplit("}", 1)[-1].lower()
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            assert not local.startswith("on"), f"{rel}: event handler {name}={value!r} on <{tag}>"
            if local in URL_ATTRIBUTES or name in URL_ATTRIBUTES:
                assert not dangerous_url(value), f"{rel}: <{tag} {name}={value!r}>"
            if local == "style":
                assert not re.search(r"expression\(|url\(\s*['\"]?\s*(javascript|data):", value, re.I), rel
        assert tag not in FORBIDDEN_ELEMENTS, f"{rel}: <{tag}>"
        if tag == "meta":
            assert not element.get("http-equiv"), f"{rel}: <meta http-equiv>"
        if tag == "script":
            scripts += 1
            assert_own_script(element, rel, page, output)
    return scripts


def assert_own_script(element, rel: str, page: Path, output: Path) -> None:
    """The only scripts the templates add: JSON data blocks (JSON-LD, search data) and the search page's module."""
    kind = (element.get("type") or "").lower()
    if kind in ("application/ld+json", "application/json"):
        assert element.get("src") is None, rel
        try:
            json.loads(element.text or "")
        except ValueError as exc:  # a `</script>` inside the data would have cut it short
            pytest.fail(f"{rel}: a JSON script block that is not valid JSON ({exc})")
        return
    source = element.get("src")
    assert kind == "module" and source and not (element.text or "").strip(), f"{rel}: unexpected script"
    assert rel.endswith("search/index.html") and not urlsplit(source).scheme, f"{rel}: script src {source!r}"
    target = (page.parent / source).resolve()
    assert target == (output / "static" / "search.js").resolve() and target.is_file(), f"{rel}: {source!r}"


def assert_safe_feed(path: Path, output: Path) -> None:
    """A well-formed feed or sitemap, no entity tricks, and any HTML it carries as safe as a page."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = lxml.etree.parse(str(path), parser)
    assert tree.docinfo.doctype == "", f"{path}: a DOCTYPE in a feed can declare entities"
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        assert lxml.etree.QName(element).localname != "script", path
        for name, value in element.attrib.items():
            assert not lxml.etree.QName(name).localname.startswith("on"), path
            if lxml.etree.QName(name).localname in ("href", "src"):
                assert not dangerous_url(value), f"{path}: {name}={value!r}"
        if lxml.etree.QName(element).localname in ("loc", "id", "uri", "icon", "logo") and element.text:
            assert not dangerous_url(element.text), f"{path}: {element.text!r}"
        if element.get("type") == "html" and element.text and element.text.strip():
            fragment = lxml.html.fragment_fromstring(element.text, create_parent="div")
            assert_safe_html(fragment, path, output)


def assert_nothing_executable(output: Path) -> int:
    """Check every HTML page and feed under output/; returns how many scripts the templates placed."""
    scripts = 0
    for path in sorted(output.rglob("*")):
        if path.suffix == ".html":
            raw = path.read_bytes()
            root = lxml.html.fromstring(raw)
            seen = assert_safe_html(root, path, output)
            # A browser's parser must find no more script tags than lxml did.
            assert len(re.findall(rb"<script\b", raw, re.I)) == seen, f"{path}: a <script> lxml did not see"
            scripts += seen
        elif path.suffix == ".xml":
            assert_safe_feed(path, output)
    return scripts


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_payloads_in_every_field_build_into_a_site_with_nothing_executable(tmp_path, tiny_model):
    site = payload_site(tmp_path / "site")
    themes = (site / "site.yaml").read_text(encoding="utf-8")
    argos_home = argos_home_with(tiny_model, tmp_path / "argos")
    before, neighbours = tree_digest(site), set(tmp_path.iterdir())
    result = run_cli("build", "--site", str(site), env=argos_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    output = site / "output"

    scripts = assert_nothing_executable(output)
    assert scripts >= 20, "JSON-LD on every article page and the search pages' scripts were checked"

    # The build wrote only output/, its cache and the translation memory; sources are untouched.
    after = tree_digest(site)
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert all(p.startswith(("output/", ".output.spare/", ".cache/")) or p.startswith("translation-memory/")
               for p in changed), \
        sorted(p for p in changed if not p.startswith("output/"))
    assert (site / "site.yaml").read_text(encoding="utf-8") == themes
    assert set(tmp_path.iterdir()) == neighbours, "nothing beside the site"
    assert [p.name for p in site.glob(".output.*")] == [".output.spare"], "output/ and its spare, nothing else"

    # The payloads reached the pages as visible text (so the checks above had something to check) ...
    text = " ".join(lxml.html.parse(str(p)).getroot().text_content() for p in output.rglob("*.html"))
    assert MARKERS <= set(re.findall(r"alert\(\d+\)", text)), MARKERS - set(re.findall(r"alert\(\d+\)", text))
    # ... JSON-LD carries the headline exactly, `</script>` and all ...
    page = output / "ar" / "articles" / "article-01.html"
    (data,) = [json.loads(s.text) for s in lxml.html.parse(str(page)).getroot().xpath(
        "//script[@type='application/ld+json']")]
    assert "</script>" in data["headline"] and "alert(" in data["headline"]
    # ... the English side carries the glossary renderings, and feeds carry the titles.
    english = " ".join(lxml.html.parse(str(p)).getroot().text_content()
                       for p in (output / "en" / "articles").glob("*.html"))
    assert PAYLOADS[5] in english
    feeds = list(output.rglob("feed.xml"))
    assert feeds and any("alert(" in p.read_text(encoding="utf-8") for p in feeds)


def test_payload_theme_ids_and_urls_are_refused_with_messages(tmp_path):
    files = {f"a{i}.md": front(yaml.safe_dump({"themes": [payload], "url": payload}, allow_unicode=True).strip())
             for i, payload in enumerate(PAYLOADS[:10])}
    site = make_site(tmp_path / "site", files)
    diagnostics = checked(site)
    for i in range(10):
        mine = {d.key: d for d in diagnostics if d.path == f"content/articles/a{i}.md"}
        assert mine["themes"].level == "error" and mine["url"].level == "warning"
