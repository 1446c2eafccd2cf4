"""The sample site, built end to end: parse every page and check what readers and crawlers rely on."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from conftest import run_cli

from generator.arabic import normalize
from generator.front_matter import split_front_matter
from generator.pipeline import BuildOptions, build, check
from generator.sentences import split_sentences
from generator.structure import BuildFailed

ARTICLES = sorted(p.stem for p in (Path(__file__).parent.parent / "content" / "articles").glob("*.md")
                  if not p.name.endswith(".en.md"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from conftest import copy_sample_site

    site = copy_sample_site(tmp_path_factory.mktemp("built") / "site")
    report = build(BuildOptions(site_dir=site))
    assert not report.errors
    return site


def pages(site: Path) -> list[Path]:
    return sorted((site / "output").rglob("*.html"))


def parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(path)).getroot()


def resolve(page: Path, href: str, output: Path) -> Path | None:
    """The file an internal link points to, or None for external links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("#") or href.startswith("mailto:"):
        return None
    path = unquote(parts.path)
    # Root-relative links (used by 404 pages, which are served at any address) start at the site root.
    target = (output / path.lstrip("/")).resolve() if path.startswith("/") else (page.parent / path).resolve()
    if target.is_dir() or href.endswith("/"):
        target = target / "index.html"
    return target


def test_every_article_has_an_arabic_and_an_english_page(built):
    for slug in ARTICLES:
        arabic = parse(built / "output" / "ar" / "articles" / f"{slug}.html")
        english = parse(built / "output" / "en" / "articles" / f"{slug}.html")
        assert (arabic.get("lang"), arabic.get("dir")) == ("ar", "rtl")
        assert (english.get("lang"), english.get("dir")) == ("en", "ltr")
        assert arabic.findtext(".//h1").strip() and english.findtext(".//h1").strip()


def test_lang_and_dir_on_every_page(built):
    for path in pages(built):
        root = parse(path)
        rel = path.relative_to(built / "output").as_posix()
        if rel.startswith("ar/"):
            assert (root.get("lang"), root.get("dir")) == ("ar", "rtl"), rel
        elif rel.startswith("en/"):
            assert (root.get("lang"), root.get("dir")) == ("en", "ltr"), rel
        else:
            assert root.get("lang") in ("ar", "en") and root.get("dir") in ("rtl", "ltr"), rel


def test_hreflang_alternates_pair_up(built):
    output = built / "output"
    for path in pages(output.parent):
        rel = path.relative_to(output).as_posix()
        if not rel.startswith(("ar/", "en/")) or rel.endswith("404.html"):
            continue
        root = parse(path)
        alternates = {link.get("hreflang"): link.get("href") for link in root.xpath("//link[@rel='alternate']")
                      if link.get("hreflang")}
        assert {"ar", "en"} <= set(alternates), rel
        counterpart = resolve(path, alternates["en" if rel.startswith("ar/") else "ar"], output)
        assert counterpart.is_file(), (rel, counterpart)
        back = {link.get("hreflang"): link.get("href") for link in parse(counterpart).xpath("//link[@rel='alternate']")}
        assert resolve(counterpart, back[rel[:2]], output) == path.resolve(), rel
        switcher = [a for a in root.xpath("//a[@hreflang]") if a.get("hreflang") != rel[:2]]
        assert switcher and resolve(path, switcher[0].get("href"), output) == counterpart, rel


def test_every_internal_link_and_asset_resolves(built):
    output = (built / "output").resolve()
    checked = 0
    for path in pages(built):
        root = parse(path)
        for element, attribute, link, _ in root.iterlinks():
            target = resolve(path, link, output)
            if target is None:
                continue
            assert target.is_relative_to(output), (path, link)
            assert target.is_file(), f"{path.relative_to(output)}: broken link {link}"
            checked += 1
    assert checked > 500


def test_first_sentence_of_each_article_is_on_its_arabic_page(built):
    for slug in ARTICLES:
        source = (built / "content" / "articles" / f"{slug}.md").read_text(encoding="utf-8")
        _, body, _ = split_front_matter(source, slug, [])
        paragraphs = [line for line in body.split("\n") if line.strip()]
        page = parse(built / "output" / "ar" / "articles" / f"{slug}.html")
        text = normalize(" ".join(page.xpath("//main")[0].text_content().split()))
        # 004 repeats its headline and source line at the top; cleaning drops them, so take the first kept line.
        candidates = [split_sentences(p.lstrip("# "))[0] for p in paragraphs[:8]]
        assert any(normalize(c) in text for c in candidates), slug
        assert normalize(split_sentences(paragraphs[-2])[0]) in text or normalize(paragraphs[-1][:40]) in text


def test_meta_description_is_the_summary(built):
    for slug in ARTICLES:
        for lang in ("ar", "en"):
            page = parse(built / "output" / lang / "articles" / f"{slug}.html")
            description = page.xpath("//meta[@name='description']/@content")[0]
            summary = " ".join(page.xpath("//*[contains(@class, 'summary')]")[0].text_content().split())
            assert description and description.split()[0] in summary


def test_editor_translations_are_credited(built):
    page = parse(built / "output" / "en" / "articles" / f"{ARTICLES[0]}.html")
    assert "Translated by the editors" in page.text_content()


def test_two_builds_are_byte_identical(built, tmp_path):
    from conftest import copy_sample_site

    other = copy_sample_site(tmp_path / "again")
    build(BuildOptions(site_dir=other))

    def digest(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    assert digest(built / "output") == digest(other / "output")


def test_rebuild_rewrites_nothing_when_nothing_changed(sample_site):
    build(BuildOptions(site_dir=sample_site))
    report = build(BuildOptions(site_dir=sample_site))
    assert report.pages_written == 0 and report.pages_unchanged > 50


def test_failed_build_leaves_previous_output_and_content_untouched(sample_site):
    build(BuildOptions(site_dir=sample_site))
    before = {p: p.read_bytes() for p in sorted((sample_site).rglob("*")) if p.is_file() and ".cache" not in p.parts}
    broken = sample_site / "content" / "articles" / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nنص.\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(site_dir=sample_site))
    assert any(d.path == "content/articles/broken.md" and d.line == 2 for d in failure.value.diagnostics)
    broken.unlink()
    after = {p: p.read_bytes() for p in sorted((sample_site).rglob("*")) if p.is_file() and ".cache" not in p.parts}
    assert after == before


def test_check_writes_nothing_and_reports_every_problem(sample_site):
    articles = sample_site / "content" / "articles"
    (articles / "a.md").write_text("---\ndate: [2023, 1]\nthemes: 5\n---\nنص.\n", encoding="utf-8")
    (articles / "b.md").write_text("---\ntitle: x\n", encoding="utf-8")
    report = check(BuildOptions(site_dir=sample_site))
    messages = {(d.path, d.key) for d in report.errors}
    assert ("content/articles/a.md", "date") in messages and ("content/articles/a.md", "themes") in messages
    assert any(d.path == "content/articles/b.md" for d in report.errors)
    assert not (sample_site / "output").exists()


def test_cli_build_and_check_exit_codes(sample_site, tmp_path):
    out = tmp_path / "public"
    result = run_cli("build", "--site", str(sample_site), "--output", str(out), "--base-url", "/briefing/", "-v")
    assert result.returncode == 0, result.stderr
    assert (out / "index.html").is_file() and (out / "ar" / "index.html").is_file()
    (timing,) = [line for line in result.stdout.splitlines() if line.startswith("Time per stage: ")]
    stages = dict(part.rsplit(" ", 2)[:2] for part in timing.removeprefix("Time per stage: ").split("; "))
    assert list(stages) == ["load, clean, translate, summarize", "group", "render", "search index",
                            "feeds, sitemap, static files", "write"] and all(float(s) >= 0 for s in stages.values())
    assert run_cli("check", "--site", str(sample_site)).returncode == 0
    bad = run_cli("build", "--site", str(sample_site), "--base-url", "not a url")
    assert bad.returncode == 1 and "--base-url" in bad.stderr and "Traceback" not in bad.stderr
    missing = run_cli("build", "--site", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "site.yaml" in missing.stderr


EXPECTED_THEMES = {
    "2021-05-23-yang-jiechi-to-visit-russia-for-security-talks": ["summits-visits", "us-west", "military-cooperation"],
    "2022-09-08-putin-and-xi-to-meet-in-samarkand": ["summits-visits", "military-cooperation", "ukraine-war"],
    "2023-02-21-xi-prepares-moscow-summit-with-putin": ["summits-visits", "us-west", "ukraine-war"],
    "2023-03-17-xi-to-visit-moscow": ["summits-visits", "ukraine-war"],
    "2023-05-19-mishustin-to-visit-beijing": ["ukraine-war", "summits-visits"],
}


def test_sample_articles_get_the_expected_themes(built):
    for slug, themes in EXPECTED_THEMES.items():
        for lang in ("ar", "en"):
            page = parse(built / "output" / lang / "articles" / f"{slug}.html")
            chips = [a.get("href").rstrip("/").rsplit("/", 1)[-1] for a in page.xpath("//ul[@class='chips']//a")]
            assert chips == themes, (slug, lang)


def test_each_article_is_listed_once_per_briefing(built):
    for path in (built / "output" / "ar" / "briefings").glob("*.html"):
        page = parse(path)
        links = [a.get("href").rstrip("/").rsplit("/", 1)[-1] for a in page.xpath("//main//a[contains(@href, 'articles/')]")
                 if not a.get("href").rstrip("/").endswith("bilingual")]
        assert links and len(links) == len(set(links)), path


def test_unchanged_inputs_skip_the_build_and_any_edit_rebuilds(sample_site):
    first = run_cli("build", "--site", str(sample_site))
    assert first.returncode == 0 and "Built 5 article(s)" in first.stdout
    again = run_cli("build", "--site", str(sample_site))
    assert again.returncode == 0 and "Nothing changed since the last build" in again.stdout
    forced = run_cli("build", "--site", str(sample_site), "--force")
    assert "Built 5 article(s)" in forced.stdout and "0 page(s) written" in forced.stdout
    article = sample_site / "content" / "articles" / f"{ARTICLES[0]}.md"
    article.write_text(article.read_text(encoding="utf-8").replace("الصيني", "الصينى", 1), encoding="utf-8")
    edited = run_cli("build", "--site", str(sample_site))
    assert "Built 5 article(s)" in edited.stdout
    shutil.rmtree(sample_site / "output" / "en")
    assert "Built 5 article(s)" in run_cli("build", "--site", str(sample_site)).stdout
    (sample_site / "output" / "ar" / "articles" / f"{ARTICLES[0]}.html").unlink()  # one file of a full folder
    assert "Built 5 article(s)" in run_cli("build", "--site", str(sample_site)).stdout
    assert "Nothing changed since the last build" in run_cli("build", "--site", str(sample_site)).stdout


def test_incremental_build_equals_a_clean_build_and_deleted_articles_vanish(sample_site, tmp_path):
    from conftest import copy_sample_site

    build(BuildOptions(site_dir=sample_site))
    gone = ARTICLES[1]
    for path in (sample_site / "content" / "articles").glob(f"{gone}*"):
        path.unlink()
    build(BuildOptions(site_dir=sample_site))
    clean = copy_sample_site(tmp_path / "clean")
    for path in (clean / "content" / "articles").glob(f"{gone}*"):
        path.unlink()
    build(BuildOptions(site_dir=clean))

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    incremental, fresh = files(sample_site / "output"), files(clean / "output")
    assert incremental == fresh
    assert not any(gone in name for name in incremental)
    assert not any(gone.encode() in data for name, data in incremental.items() if name.endswith((".html", ".xml")))


def test_check_reports_a_broken_glossary(sample_site):
    (sample_site / "content" / "glossary.yaml").write_text("بوتين: [Putin\n", encoding="utf-8")
    report = check(BuildOptions(site_dir=sample_site))
    assert [d.path for d in report.errors] == ["content/glossary.yaml"]
