"""Inputs a hostile test campaign found crashing, stalling or passing silently; each now gives one message.

Every case runs the command line in its own process, as an editor would, and checks the exact
message and that no traceback is printed. A property test feeds YAML tags with random and huge
payloads to every YAML file the project reads (front matter, site.yaml, glossary) through `check`.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import lxml.html
import pytest
from conftest import FUZZ, REPO, run_cli
from hypothesis import given, settings, strategies as st

from generator.config import load_config
from generator.load import load_articles
from generator.pipeline import BuildOptions, check
from generator.structure import BuildFailed

ARTICLE = "---\ntitle: عنوان المقال\ndate: 2023-03-17\n---\nقال المسؤول إن المحادثات ستستمر.\n"
FRONT_HINT = "front matter is YAML: `key: value`, one per line; quote values with colons; no `!!` type tags"
CONFIG_HINT = "fix the indentation, quoting, tag or duplicate key on that line"
ARTICLE_HINT = "articles must be plain .md, .markdown or .txt files"
LINK_HINT = "replace the link with the file itself, or delete it"


def site_with(root: Path, files: dict[str, str], config: str = "title: x\n") -> Path:
    """A site folder: site.yaml and the given files (paths relative to the site folder)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(config, encoding="utf-8")
    (root / "content" / "articles").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def run(command: str, site: Path, *args: str) -> tuple[int, list[str], str]:
    """Exit code, the diagnostic lines and the summary of `command --site SITE`; never a traceback."""
    result = run_cli(command, "--site", str(site), *args, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result.returncode, result.stderr.splitlines(), result.stdout


def front(title_line: str, body: str = "قال المسؤول إن المحادثات ستستمر.\n") -> str:
    return f"---\n{title_line}\ndate: 2023-03-17\n---\n{body}"


# --- 1. YAML that PyYAML's own constructors choke on ------------------------------------------------------

def test_yaml_tags_and_huge_numbers_are_one_message_with_file_and_line(tmp_path):
    site = site_with(tmp_path / "site", {
        "content/articles/int.md": front('title: !!int ""'),
        "content/articles/float.md": front("title: !!float _"),
        "content/articles/bool.md": front("title: !!bool maybe"),
        "content/articles/decimal.md": front("title: " + "1" * 4301),
        "content/articles/hex.md": front("title: 0x" + "f" * 4000),
        "content/articles/sixty.md": front("title: " + "59:" * 2300 + "59"),
        "content/glossary.yaml": "قال: said\nالمسؤول: !!bool maybe\n",
    })
    code, lines, _ = run("check", site)
    number = "has more than 4300 digits — " + FRONT_HINT
    assert code == 1 and sorted(lines) == [
        f"content/articles/bool.md:2: error: invalid front matter: 'maybe' is not a valid !!bool value — {FRONT_HINT}",
        f"content/articles/decimal.md:2: error: invalid front matter: the number "
        f"'{'1' * 27}...{'1' * 28}' {number}",
        f"content/articles/float.md:2: error: invalid front matter: '_' is not a valid !!float value — {FRONT_HINT}",
        f"content/articles/hex.md:2: error: invalid front matter: the number '0x{'f' * 25}...{'f' * 28}' {number}",
        f"content/articles/int.md:2: error: invalid front matter: '' is not a valid !!int value — {FRONT_HINT}",
        f"content/articles/sixty.md:2: error: invalid front matter: the number "
        f"'{'59:' * 9}...{'9:5' * 9}9' {number}",
        "content/glossary.yaml:2: error: invalid glossary: 'maybe' is not a valid !!bool value — "
        "write one `Arabic term: English rendering` per line",
    ]
    site_with(site, {}, config="title: x\nsummary:\n  sentences: !!int 0x\n")
    _, lines, _ = run("check", site)
    assert lines == [f"site.yaml:3: error: invalid YAML: '0x' is not a valid !!int value — {CONFIG_HINT}"]


TAGS = ("!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!!binary", "!!str", "!!seq", "!!map", "!!set",
        "!!omap", "!!pairs", "!!merge", "!!python/object/apply:os.system", "!unknown", "!<tag:example.org,2024:x>", "")
HUGE_NUMBERS = st.builds(
    lambda form, digits, sign: sign + form(digits), st.sampled_from([
        lambda n: "1" * n, lambda n: "0x" + "f" * n, lambda n: "0b" + "1" * (4 * n), lambda n: "0" + "7" * n,
        lambda n: ":".join(["59"] * (n // 2)), lambda n: "1_" * n + "1", lambda n: "1." + "1" * n + "e5"]),
    st.integers(3000, 4500), st.sampled_from(["", "-", "+"]))
ODD_SCALARS = st.sampled_from(["", "_", "maybe", "0x", "0b", "0o", "1:", ":", ".", "-", "+", "~", "=", "<<", ".inf",
                               "1e99999", "0x_", "0b2", "09", "2023-02-30", "2023-13-45T25:61:61Z", "AAAA", "!", "*"])
PAYLOADS = st.one_of(ODD_SCALARS, HUGE_NUMBERS, st.text(max_size=30))
FORMS = st.sampled_from(["{}", "{!r}", "[{}]", "{{a: {}}}", "\n  - {}", "\n  a: {}"])
WHERE = st.sampled_from(["content/articles/fuzz.md", "site.yaml", "content/glossary.yaml"])


@pytest.fixture(scope="module")
def tag_site(tmp_path_factory) -> Path:
    return site_with(tmp_path_factory.mktemp("tags") / "site", {"content/articles/fuzz.md": ARTICLE})


@settings(FUZZ)
@given(where=WHERE, tag=st.sampled_from(TAGS), payload=PAYLOADS, form=FORMS, as_key=st.booleans())
def test_any_tag_and_payload_in_any_yaml_file_gives_a_value_or_messages(tag_site, where, tag, payload, form, as_key):
    value = f"{tag} {form.format(json.dumps(payload) if form == '{!r}' else payload)}".strip()
    entry = f"{value}: x" if as_key and "\n" not in value else f"{'title' if where != 'content/glossary.yaml' else 'قال'}: {value}"
    text = {"content/articles/fuzz.md": f"---\n{entry}\ndate: 2023-03-17\n---\nقال المسؤول.\n",
            "site.yaml": f"{entry}\n", "content/glossary.yaml": f"{entry}\n"}[where]
    (tag_site / where).write_text(text, encoding="utf-8")
    try:
        report = check(BuildOptions(site_dir=tag_site))
    finally:
        (tag_site / "site.yaml").write_text("title: x\n", encoding="utf-8")
        (tag_site / "content/articles/fuzz.md").write_text(ARTICLE, encoding="utf-8")
        (tag_site / "content/glossary.yaml").unlink(missing_ok=True)
    for problem in report.diagnostics:
        assert problem.path == where and len(str(problem)) < 1000, str(problem)[:300]
        if "invalid" in problem.message:
            assert problem.line is not None, str(problem)


# --- 2. a "billion laughs" site.yaml -------------------------------------------------------------------

def _alias_levels(levels: int) -> str:
    lines = ["  a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "anchors:\n" + "\n".join(lines) + "\n"


def test_alias_bomb_in_site_yaml_stops_at_once(tmp_path):
    site = site_with(tmp_path / "site", {"content/articles/a.md": ARTICLE},
                     config=_alias_levels(9) + "related_articles: *a8\n")
    started = time.monotonic()
    _, lines, _ = run("check", site)
    assert time.monotonic() - started < 10
    assert lines == ["site.yaml:6: error: invalid YAML: too many YAML aliases: they repeat more than 10,000 values "
                     f"— {CONFIG_HINT}"]


def test_config_messages_quote_repeated_values_briefly(tmp_path):
    """Aliases under the limit pass, and a message quoting what they repeat stays short."""
    site_with(tmp_path, {}, config=_alias_levels(3) + "related_articles: *a2\n")
    with pytest.raises(BuildFailed) as failure:
        load_config(tmp_path)
    assert [d.message for d in failure.value.diagnostics if d.key == "related_articles"] == [
        "expected a whole number, found [[[...], [...], [...], [...], ...], [[...], [...], [...], [...], ...], "
        "[[...], [...], [...], [...], ...], [[...], [...], [...], [...], ...], ...]"]


# --- 3. names too long -------------------------------------------------------------------------------

def test_name_too_long_for_its_translation_is_an_error_not_a_crash(tmp_path):
    name = "x" * 250 + ".md"  # 253 bytes: fine itself, but x….en.md would be 256
    site = site_with(tmp_path / "site", {f"content/articles/{name}": ARTICLE})
    expected = (f"content/articles/{name}: error: the file name is too long: with .en.md for its editor translation "
                "it would be 256 bytes, over the limit of 255 bytes per file name — shorten the file name; the page "
                "address is made from its first 80 characters")
    assert run("check", site)[1] == [expected]
    code, lines, summary = run("build", site)
    assert code == 1 and lines == [expected] and "disk space" not in summary


def test_longest_names_give_short_slugs(tmp_path):
    """A name just under the limit is an article, and its pages' names are far from 255 bytes."""
    site = site_with(tmp_path / "site", {f"content/articles/{'ب' * 124}.md": ARTICLE})  # 248 + 6 bytes
    result = load_articles(load_config(site))
    (article,) = result.articles
    assert not result.diagnostics and len(f"{article.slug}.html".encode()) <= 90


# --- 4. a link loop ------------------------------------------------------------------------------------

def test_link_loop_is_an_error_naming_the_file(tmp_path):
    site = site_with(tmp_path / "site", {"content/articles/a.md": ARTICLE})
    articles = site / "content" / "articles"
    (articles / "loop1.md").symlink_to("loop2.md")
    (articles / "loop2.md").symlink_to("loop1.md")
    code, lines, _ = run("check", site)
    loop = "error: this link goes round in a loop: it leads back to itself through other links — " + LINK_HINT
    assert code == 1 and lines == [f"content/articles/loop1.md: {loop}", f"content/articles/loop2.md: {loop}"]


# --- 5. editor translations that do not line up ---------------------------------------------------------

ARABIC_PARAGRAPHS = ["قال رئيس الوزراء إن الحكومة ستعرض خطتها الاقتصادية الجديدة على البرلمان الأسبوع المقبل.",
                     "وأضاف أن الخطة تتضمن خفض الضرائب.",
                     "وتشمل الخطة أيضا برنامجا واسعا لدعم الشركات الصغيرة والمتوسطة في المناطق الريفية والنائية.",
                     "ورحبت المعارضة بالخطة بحذر."]
ENGLISH_PARAGRAPHS = ["The prime minister said the government would put its new economic plan to parliament next week.",
                      "He added that the plan cuts taxes and also includes a broad programme of support for small and "
                      "medium-sized businesses in rural and remote areas.",
                      "The opposition cautiously welcomed the plan."]


def test_translation_with_other_paragraph_count_is_a_warning_and_pairs_by_length(tmp_path):
    arabic = "---\ntitle: عنوان\ndate: 2023-03-17\n---\n" + "\n\n".join(ARABIC_PARAGRAPHS) + "\n"
    english = "---\ntitle: Title\n---\n" + "\n\n".join(ENGLISH_PARAGRAPHS) + "\n"
    site = site_with(tmp_path / "site", {"content/articles/a.md": arabic, "content/articles/a.en.md": english})
    warning = ("content/articles/a.en.md: warning: the editor translation has 3 paragraph(s), the Arabic article 4 "
               "(after cleaning): side by side, they are paired by length and may not line up — give the "
               "translation one paragraph for each Arabic paragraph, in the same order")
    code, lines, _ = run("check", site)
    assert code == 0 and lines == [warning]
    assert run("check", site, "--strict")[0] == 1
    for folder in ("templates", "static"):
        shutil.copytree(REPO / folder, site / folder)
    code, lines, _ = run("build", site)
    assert code == 0 and lines == [warning]
    page = lxml.html.parse(str(site / "output" / "en" / "bilingual" / "2023-03-17-a.html")).getroot()
    rows = [[[" ".join(p.text_content().split()) for p in cell.iter("p")] for cell in pair.find_class("cell")]
            for pair in page.find_class("pair")]  # the English cell first on the English page
    assert rows == [[ENGLISH_PARAGRAPHS[:1], ARABIC_PARAGRAPHS[:1]],
                    [ENGLISH_PARAGRAPHS[1:2], ARABIC_PARAGRAPHS[1:3]],
                    [ENGLISH_PARAGRAPHS[2:], ARABIC_PARAGRAPHS[3:]]]


# --- 6. pipes and folders where files belong -----------------------------------------------------------

def test_pipes_and_folders_are_refused_without_waiting(tmp_path):
    site = site_with(tmp_path / "site", {"content/articles/a.md": ARTICLE})
    os.mkfifo(site / "content" / "glossary.yaml")
    os.mkfifo(site / "content" / "articles" / "pipe.md")
    os.mkfifo(site / "content" / "articles" / "a.en.md")
    code, lines, _ = run("check", site)
    pipe = "error: this is a named pipe (FIFO), not a regular file"
    assert code == 1 and sorted(lines) == [
        f"content/articles/a.en.md: {pipe} — an editor translation is a text file named <slug>.en.md",
        f"content/articles/pipe.md: {pipe} — {ARTICLE_HINT}",
        "content/glossary.yaml: error: cannot read the glossary: it is a named pipe (FIFO), not a regular file "
        "— the glossary must be a readable YAML file"]
    (site / "content" / "glossary.yaml").unlink()
    (site / "content" / "glossary.yaml").mkdir()
    assert "content/glossary.yaml: error: cannot read the glossary: it is a folder, not a regular file — the " \
           "glossary must be a readable YAML file" in run("check", site)[1]
    (site / "site.yaml").unlink()
    os.mkfifo(site / "site.yaml")
    assert run("check", site)[1] == ["site.yaml: error: cannot read site.yaml: it is a named pipe (FIFO), not a "
                                     "regular file — site.yaml must be a readable text file"]


# --- 7. article suffixes in any case, and files that are skipped -------------------------------------

def test_suffixes_in_any_case_are_read_and_other_files_named(tmp_path):
    files = {f"content/articles/{name}": ARTICLE.replace("عنوان المقال", f"عنوان {i}")
             for i, name in enumerate(["Story.MD", "x.TXT", "a.markdown", "Story.EN.MD", ".notes.md"])}
    files["content/articles/photo.jpg"] = "not an article"
    site = site_with(tmp_path / "site", files)
    code, lines, summary = run("check", site)
    assert code == 0 and "Checked 3 article(s)" in summary and lines == [
        "content/articles/Story.EN.MD: warning: skipped: an editor translation's name ends in .en.md, in lower case "
        "— rename it <slug>.en.md",
        "content/articles/photo.jpg: warning: skipped: not an article (.md, .markdown, .txt) — move other files out "
        "of content/articles/, or give an article one of these suffixes"]


# --- 8. a cleaning rule that backtracks without end ----------------------------------------------------

def test_backtracking_cleaning_rule_is_stopped_and_named(tmp_path):
    config = ("title: x\ncleaning:\n  rules:\n    - name: nested\n      pattern: '(a+)+$'\n"
              "    - name: stuck\n      pattern: '(a|a)*$'\n")
    site = site_with(tmp_path / "site", {"content/articles/a.md": ARTICLE + "قال " + "a" * 60 + "!\n"}, config)
    started = time.monotonic()
    for command in ("check", "build"):
        code, lines, _ = run(command, site)
        assert code == 1 and lines == [STUCK_RULE], command
    assert time.monotonic() - started < 60


STUCK_RULE = (
    "site.yaml:7: error [cleaning.rules.1.pattern]: cleaning rule 'stuck' ran for more than 1 s on one paragraph "
    "of content/articles/a.md and was stopped — the pattern backtracks without end on some text, as "
    "overlapping repeats like (a|a)* do: rewrite it so each part of a line can match in only one way")


# --- 9. base_url written raw into robots.txt -----------------------------------------------------------

def test_base_url_with_quotes_or_angle_brackets_is_refused(tmp_path):
    site = site_with(tmp_path / "site", {"content/articles/a.md": ARTICLE},
                     config="title: x\nbase_url: 'https://example.org/\"><script>'\n")
    code, lines, _ = run("check", site)
    assert code == 1 and lines == [
        "site.yaml:2: error [base_url]: invalid base URL 'https://example.org/\"><script>' — use an absolute URL like "
        "https://org.github.io/briefing/ or a path like /briefing/ (letters, digits, - . _ ~ / and %-escapes)"]


# --- 10. punctuation for a title or an article ---------------------------------------------------------

def test_punctuation_only_title_or_text_is_a_warning(tmp_path):
    site = site_with(tmp_path / "site", {
        "content/articles/dots.md": "---\ndate: 2023-03-17\n---\n!!! ... ؟؟\n",
        "content/articles/title.md": ARTICLE.replace("عنوان المقال", "'—'"),
    })
    code, lines, _ = run("check", site)
    assert code == 0 and lines == [
        "content/articles/dots.md: warning: the article text has no letters or digits — write the article text "
        "after the front matter, or delete the file",
        "content/articles/dots.md: warning [title]: the title '!!! ... ؟؟' has no letters or digits — write a "
        "headline in the front matter: `title: ...`",
        "content/articles/title.md: warning [title]: the title '—' has no letters or digits — write a headline in "
        "the front matter: `title: ...`"]
