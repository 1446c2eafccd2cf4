"""Loading and cleaning: front matter, encodings, inference on the real seed texts, cleaning rules."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pytest
from conftest import FUZZ
from hypothesis import given, settings, strategies as st

from generator.clean import clean_article, parse_blocks
from generator.config import DEFAULT_CLEANING, load_config
from generator.decoding import decode
from generator.inference import infer_date, infer_source, infer_title
from generator.front_matter import split_front_matter
from generator.load import article_file, display_path, load_articles, read_article
from generator.slugs import slug_from_filename, slug_from_title
from generator.structure import BuildFailed

REPO = Path(__file__).resolve().parent.parent
SEEDS = {p.stem: p for p in (REPO / "content" / "articles").glob("*.md") if not p.name.endswith(".en.md")}


def body_of(stem_start: str) -> str:
    path = next(p for stem, p in SEEDS.items() if stem.startswith(stem_start))
    _, body, _ = split_front_matter(path.read_text(encoding="utf-8"), path.name, [])
    return body


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / "content" / "articles" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "site.yaml").write_text("themes:\n  - id: ukraine-war\n    name: {ar: أوكرانيا, en: Ukraine}\n",
                                        encoding="utf-8")
    return tmp_path


# --- inference on the real seed texts ---------------------------------------------------------

def test_headline_line_becomes_the_title():
    assert infer_title(body_of("2021-05-23")) == (
        "مسؤول صيني يزور روسيا لإجراء محادثات أمنية.. تقارب متزايد بين موسكو وبكين في مواجهة واشنطن")


def test_first_sentence_becomes_the_title_when_there_is_no_headline():
    title = infer_title(body_of("2023-05-19"))
    assert title == "منذ غزوها لأوكرانيا ، أصبحت روسيا تعتمد بشكل متزايد على الصين للحصول على الدعم الاقتصادي والدبلوماسي."


def test_dates_found_in_the_seed_texts():
    assert infer_date(body_of("2021-05-23")) == dt.date(2021, 5, 23)  # "تم النشر: 2021/05/23 الساعة 22:15"
    assert infer_date(body_of("2023-02-21")) == dt.date(2023, 2, 21)  # "اليوم الثلاثاء 21 فبراير/شباط 2023"
    assert infer_date(body_of("2023-03-17")) is None  # only relative dates ("next week") in the text


def test_arabic_date_forms():
    assert infer_date("نشر في 21 فبراير/شباط 2023 خبر") == dt.date(2023, 2, 21)
    assert infer_date("في 3 كانون الأول/ديسمبر 2019") == dt.date(2019, 12, 3)
    assert infer_date("2021/05/23") == dt.date(2021, 5, 23)
    assert infer_date("31 فبراير 2023") is None  # impossible dates are not dates


def test_source_line_and_dateline():
    assert infer_source(body_of("2021-05-23"), "title") == "عربي بوست"
    assert infer_source(body_of("2023-03-17"), "title") == "سي إن إن"


def test_plain_text_seed_without_front_matter(site):
    text = body_of("2021-05-23")
    write(site, "seed.txt", text)
    result = load_articles(load_config(site))
    article = result.articles[0]
    assert article.meta.date == dt.date(2021, 5, 23) and article.meta.source == "عربي بوست"
    assert article.meta.inferred == {"title", "date", "source"}
    cleaned = clean_article(article, DEFAULT_CLEANING)
    removed = {r.rule for r in cleaned.removals}
    assert removed == {"repeated-title", "source-line", "published-stamp", "photo-credit", "load-more"}
    assert cleaned.blocks[0].text.startswith("في أحدث مؤشر")


# --- cleaning rules ---------------------------------------------------------------------------

def test_cleaning_is_conservative():
    blocks = parse_blocks("قال إن تحميل المزيد من القوات أمر خطير.\n\nتحميل المزيد\n")
    from generator.clean import apply_rules
    from generator.structure import ArticleMeta, SourceArticle

    article = SourceArticle("a.md", "a", ArticleMeta("t", None), "", 1, "h")
    kept, removals = apply_rules(blocks, DEFAULT_CLEANING, article)
    assert [b.text for b in kept] == ["قال إن تحميل المزيد من القوات أمر خطير."]
    assert [r.rule for r in removals] == ["load-more"]


def test_custom_rule_from_site_yaml(site):
    (site / "site.yaml").write_text(
        "cleaning:\n  rules:\n    - name: promo\n      pattern: '^اشترك الآن'\n      where: tail\n", encoding="utf-8")
    write(site, "a.md", "---\ntitle: عنوان\ndate: 2023-01-01\n---\nنص أول.\n\nاشترك الآن في النشرة\n")
    config = load_config(site)
    article = load_articles(config).articles[0]
    cleaned = clean_article(article, config.cleaning)
    assert [r.rule for r in cleaned.removals] == ["promo"]


def test_markdown_raw_html_is_text_and_bad_links_are_dropped():
    blocks = parse_blocks('<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.org)')
    html = blocks[0].html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert 'href="https://example.org"' in html


def test_soft_line_breaks_are_sentence_boundaries():
    blocks = parse_blocks("الجملة الأولى بلا نقطة\nوالثانية هنا.")
    assert blocks[0].sentences == ("الجملة الأولى بلا نقطة", "والثانية هنا.")


# --- front matter -----------------------------------------------------------------------------

def test_front_matter_errors_name_file_line_and_key(site):
    config = load_config(site)
    write(site, "dup.md", "---\ntitle: a\ntitle: b\n---\nنص.\n")
    write(site, "open.md", "---\ntitle: a\nنص.\n")
    write(site, "types.md", "---\ndate: [1, 2]\nthemes: 5\nsource: {a: 1}\nweird: 1\n---\nنص.\n")
    write(site, "theme.md", "---\nthemes: [no-such-theme]\n---\nنص.\n")
    diagnostics = load_articles(config).diagnostics
    found = {(d.path.split("/")[-1], d.level, d.key, d.line) for d in diagnostics}
    assert ("dup.md", "error", None, 3) in found
    assert ("open.md", "error", None, 1) in found
    assert {("types.md", "error", "date", None), ("types.md", "error", "themes", None),
            ("types.md", "error", "source", None), ("types.md", "warning", "weird", None)} <= found
    assert any(d.key == "themes" and "ukraine-war" in d.hint for d in diagnostics if d.path.endswith("theme.md"))


def test_bom_crlf_utf16_and_windows_1256(site):
    config = load_config(site)
    text = "---\ntitle: عنوان\ndate: 2023-01-02\n---\nنص المقال.\n"
    write(site, "bom.md", codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode())
    write(site, "utf16.md", text.encode("utf-16"))
    write(site, "cp1256.md", text.encode("cp1256"))
    write(site, "junk.md", bytes(range(256)) * 4)
    result = load_articles(config)
    titles = {a.path.split("/")[-1]: a.meta.title for a in result.articles}
    assert titles == {"bom.md": "عنوان", "utf16.md": "عنوان", "cp1256.md": "عنوان"}
    messages = {d.path.split("/")[-1]: d for d in result.diagnostics if d.key != "title"}  # not the same-title warning
    assert "CP1256" in messages["cp1256.md"].message and messages["cp1256.md"].level == "warning"
    assert messages["junk.md"].level == "error" and "UTF-8" in messages["junk.md"].hint


def test_empty_and_duplicate_slugs(site):
    config = load_config(site)
    write(site, "empty.md", "  \n\n")
    write(site, "same.md", "نص.")
    write(site, "same.txt", "نص آخر.")
    diagnostics = load_articles(config).diagnostics
    assert any(d.path.endswith("empty.md") and "no body" in d.message for d in diagnostics)
    assert any(d.path.endswith("same.txt") and "already used" in d.message for d in diagnostics)


def test_reading_on_two_processes_gives_what_reading_in_one_does(site, monkeypatch, tmp_path_factory):
    """Files are parsed in worker processes; articles, stamps and every message come back in file order."""
    import generator.runtime

    config = load_config(site)
    for i in range(12):
        write(site, f"a{i:02d}.md", f"---\ntitle: عنوان {i % 9}\ndate: 2023-01-{i + 1:02d}\n---\nنص المقال {i}.\n")
    write(site, "a03.en.md", "---\n---\nThe text.\n")  # an editor translation without a title
    write(site, "a05.txt", "---\ndate: 2023-01-06\n---\nنص آخر بالاسم نفسه.\n")  # the slug of a05.md
    write(site, "bad.md", "---\ntitle: a\ntitle: b\n---\nنص.\n")
    write(site, "lonely.en.md", "---\ntitle: Alone\n---\nText.\n")
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text("سر.", encoding="utf-8")
    (site / "content" / "articles" / "link.md").symlink_to(outside)

    alone = load_articles(config, workers=1)
    monkeypatch.setattr(generator.runtime, "MIN_ITEMS", 0)
    monkeypatch.setattr(generator.runtime, "CHUNK", 1)
    shared = load_articles(config, workers=2)
    assert shared == alone
    assert len(alone.articles) == 12 and len(alone.stamps) == 14  # a05.txt and bad.md are read, then refused
    kinds = [(d.path.split("/")[-1], d.level) for d in alone.diagnostics]
    assert kinds == [("a03.en.md", "warning"), ("a05.txt", "error"), *[(f"a{i:02d}.md", "warning") for i in (9, 10, 11)],
                     ("bad.md", "error"), ("link.md", "error"), ("lonely.en.md", "warning")]


def test_symlink_outside_the_site_is_refused(site, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text("سر.", encoding="utf-8")
    link = site / "content" / "articles" / "link.md"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)
    result = load_articles(load_config(site))
    assert not result.articles and "outside the site" in result.diagnostics[0].message


def test_article_file_is_what_load_articles_reads(site):
    """serve's previews read the file an edit touched: an article in any suffix case, or the one a
    translation belongs to; nothing in a dot-folder, no other file, no translation without its article."""
    config = load_config(site)
    story = write(site, "Story.MD", "نص.")
    for name in ("photo.jpg", ".drafts/x.md", "lonely.en.md", "Story.en.md"):
        write(site, name, "text")
    folder = config.articles_dir
    assert article_file(story, config) == story == article_file(folder / "Story.en.md", config)
    assert [article_file(folder / name, config) for name in ("photo.jpg", ".drafts/x.md", "lonely.en.md")] == [None] * 3
    assert [article.path for article in load_articles(config).articles] == ["content/articles/Story.MD"]


def test_bidi_controls_are_stripped_from_titles(site):
    write(site, "a.md", "---\ntitle: \"عنوان\u202e مقلوب\u200b\"\n---\nنص.\n")
    article = load_articles(load_config(site)).articles[0]
    assert article.meta.title == "عنوان مقلوب"


@settings(FUZZ, max_examples=FUZZ.max_examples * 3 // 4)
@given(front=st.text(max_size=200), body=st.text(max_size=200))
def test_any_front_matter_gives_an_article_or_a_named_error(site, front, body):
    path = write(site, "fuzz.md", f"---\n{front}\n---\n{body}")
    diagnostics = []
    article = read_article(path, "content/articles/fuzz.md", {"ukraine-war"}, diagnostics)
    assert article is not None or any(d.level == "error" and d.path == "content/articles/fuzz.md"
                                       for d in diagnostics)


@given(st.binary(max_size=300))
def test_decode_never_raises(data):
    diagnostics = []
    text = decode(data, "x.md", diagnostics)
    assert text is not None or diagnostics[-1].level == "error"


# --- slugs and config -------------------------------------------------------------------------

def test_slugs_are_ascii_and_stable():
    assert slug_from_filename("2023-03-17-xi-to-visit-moscow", None) == "2023-03-17-xi-to-visit-moscow"
    assert slug_from_title("يزور شي موسكو", dt.date(2023, 3, 17)) == "2023-03-17-yzwr-shy-mwskw"
    assert slug_from_filename("زيارة\u202e", dt.date(2023, 1, 1)) == "2023-01-01-zyarh"
    assert slug_from_title("!!!", None).startswith("article-")


@given(st.text(max_size=60))
def test_slug_from_any_title_is_url_safe(title):
    slug = slug_from_title(title, dt.date(2023, 1, 1))
    assert slug and all(c.isascii() and (c.isalnum() or c == "-") for c in slug) and ".." not in slug


def test_config_errors_name_line_and_key(tmp_path):
    (tmp_path / "site.yaml").write_text(
        "title: x\nbase_url: 'ftp://x'\nsummary:\n  sentences: 0\nthemes:\n  - id: Bad Id\n  - id: ok\n    extra: 1\n",
        encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        load_config(tmp_path)
    found = {(d.key, d.line) for d in failure.value.diagnostics}
    assert {("base_url", 2), ("summary.sentences", 4), ("themes.0.id", 6), ("themes.1.extra", 8)} <= found
    assert all(d.path == "site.yaml" for d in failure.value.diagnostics)


def test_config_syntax_error_and_missing_file(tmp_path):
    with pytest.raises(BuildFailed) as missing:
        load_config(tmp_path)
    assert "no site.yaml" in missing.value.diagnostics[0].message
    (tmp_path / "site.yaml").write_text("title: [x\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as syntax:
        load_config(tmp_path)
    assert syntax.value.diagnostics[0].line is not None


@given(st.lists(st.text(st.characters(blacklist_characters="/\0", blacklist_categories=("Cs",)), min_size=1,
                        max_size=6).filter(lambda s: s not in (".", "..")), max_size=4),
       st.sampled_from(["/", "/site", "/srv/my site/"]))
def test_display_path_is_the_path_from_the_root_with_unprintables_escaped(parts, root):
    root = Path(root)
    path = root.joinpath(*parts)
    relative = path.relative_to(root).as_posix()
    assert display_path(path, root) == "".join(c if c.isprintable() else repr(c)[1:-1] for c in relative)
    assert display_path(Path("/elsewhere/x.md"), Path("/site")) == "/elsewhere/x.md"


FOLDER_EDITS = st.lists(st.tuples(
    st.sampled_from(["add", "remove", "folder", "link"]),
    st.sampled_from(["a.md", "a.en.md", "b.MD", "b.en.md", "c.txt", "notes.pdf", ".hidden.md", "d.en.markdown",
                     "sub/e.md", "sub/e.en.md"])), max_size=12)


@settings(FUZZ, max_examples=FUZZ.max_examples // 4, deadline=None)
@given(FOLDER_EDITS)
def test_a_listing_updated_by_the_paths_that_changed_is_the_folder_listed_again(edits):
    """serve's rebuilds update the last listing of content/articles/ with the paths its watcher saw
    change; whatever was added or removed (articles, translations with or without their article,
    other files, dot-files, files in a subfolder), the update is a fresh listing, or it declines
    (a new folder, a link) and the folder is listed again."""
    import tempfile

    from generator.content_files import list_articles, relist_articles

    with tempfile.TemporaryDirectory() as top:
        root = Path(top)
        folder = root / "content" / "articles"
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "f.md").write_text("x", encoding="utf-8")
        listing = list_articles(folder, root)
        for action, name in edits:
            path = folder / name
            if action == "remove":
                path.unlink(missing_ok=True)
            elif action == "folder":
                (folder / "new" / name).parent.mkdir(parents=True, exist_ok=True)
                path = folder / "new" / name
                path.write_text("x", encoding="utf-8")
            elif action == "link" and not path.exists():
                path.symlink_to(folder / "sub" / "f.md")
            else:
                path.unlink(missing_ok=True)
                path.write_text("x", encoding="utf-8")
            fresh = list_articles(folder, root)
            updated = relist_articles(listing, {str(path)}, folder, root)
            if action in ("add", "remove"):
                assert updated is not None
            assert updated is None or (updated.found, updated.entries, +updated.stems) == (
                fresh.found, fresh.entries, +fresh.stems)
            listing = fresh
