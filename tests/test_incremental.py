"""Incremental builds: pages rendered only when their inputs change, articles cached by file, the
spare folder updated in place of a full copy, worker processes that do not change a byte — and in
every case the same output as a clean build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from types import MappingProxyType
from pathlib import Path, PurePosixPath

import pytest
from conftest import REPO
from test_browser import SECOND_REPORT, add_second_report

import generator.article_cache
import generator.incremental
import generator.load
import generator.runtime
import generator.page_index
import generator.pages
import generator.pages.site
import generator.render
import generator.themes
import generator.write
from generator.config import BuildOptions
from generator.dates import month_key
from generator.pipeline import build
from generator.render import SiteRenderer
from generator.structure import Briefing, BriefingSection, BuildFailed, RenderedPage, SummarizedArticle
from generator.urls import LANGUAGES, page_path
from generator.write import SiteWriter, spare_path

ARTICLES = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "content" / "articles").glob("*.md")
                  if not p.name.endswith(".en.md"))


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def clean_build_of(site: Path, tmp_path: Path) -> dict[str, bytes]:
    """What a build from nothing makes of the site as it is now."""
    build(BuildOptions(site_dir=site, output=tmp_path / "clean-output"))
    return files(tmp_path / "clean-output")


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The paths of the pages Jinja actually renders during the test."""
    paths: list[str] = []
    real_html = generator.render.SiteRenderer.html

    def counting(self, recipe):
        paths.append(recipe.chrome.path.as_posix())
        return real_html(self, recipe)

    monkeypatch.setattr(generator.render.SiteRenderer, "html", counting)
    return paths


def edit_article(site: Path, stem: str, old: str, new: str) -> None:
    path = site / "content" / "articles" / f"{stem}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_renders_only_the_pages_that_show_the_article(sample_site, tmp_path, rendered):
    build(BuildOptions(site_dir=sample_site))
    everything = len(rendered)
    rendered.clear()
    build(BuildOptions(site_dir=sample_site))
    assert rendered == [], "nothing changed: nothing rendered"

    stem = ARTICLES[0]
    edit_article(sample_site, stem, "الصيني", "الصينى")  # a letter of the body, not of the title
    report = build(BuildOptions(site_dir=sample_site))
    assert f"ar/articles/{stem}.html" in rendered and f"ar/bilingual/{stem}.html" in rendered
    assert 0 < len(rendered) < everything / 2
    assert report.pages_written < 20  # those pages, and the search index files that changed (of 88 files)
    assert files(sample_site / "output") == clean_build_of(sample_site, tmp_path)


def test_a_rebuild_reads_whole_articles_only_for_the_pages_that_show_their_text(sample_site, tmp_path, rendered,
                                                                              monkeypatch):
    """Listing pages, cards, feeds and stories come from the index of article records: after an edit,
    only the edited article and those whose own pages are rendered again are read whole. A cached
    article whose pickle is damaged is then no problem unless a page needs its text, and when one
    does the build stops naming the file and the fix."""
    from generator.article_cache import FOLDER, CachedArticles

    build(BuildOptions(site_dir=sample_site))
    read: list[str] = []
    real_read = CachedArticles.__getitem__

    def reading(self, slug):
        read.append(slug)
        return real_read(self, slug)

    monkeypatch.setattr(CachedArticles, "__getitem__", reading)
    rendered.clear()
    stem = ARTICLES[0]
    edit_article(sample_site, stem, "الصيني", "الصينى")
    build(BuildOptions(site_dir=sample_site, jobs=1))  # pages rendered in this process, where `read` is
    shown = {path.rsplit("/", 1)[1].removesuffix(".html") for path in rendered
             if path.split("/")[1] in ("articles", "bilingual")}
    assert stem in read and set(read) <= shown | {stem}
    assert len(set(read)) < len(ARTICLES), "unchanged articles whose pages are kept are not read"

    folder = next((sample_site / ".cache" / FOLDER).iterdir())
    pickles = sorted(folder.glob("*.pickle"))
    assert len(pickles) == len(ARTICLES), "one pickle per article: the old version of the edited one is gone"
    for pickle_file in pickles:
        pickle_file.write_bytes(b"damaged")
    template = sample_site / "templates" / "month.html"
    template.write_text(template.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}\n<!-- -->"),
                        encoding="utf-8")
    build(BuildOptions(site_dir=sample_site))  # month pages only: no article's text is needed
    template = sample_site / "templates" / "article.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    before = files(sample_site / "output")
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(site_dir=sample_site))
    (problem,) = failure.value.diagnostics
    assert problem.path.endswith(".pickle") and ".cache/articles" in problem.hint
    assert files(sample_site / "output") == before


def test_a_template_change_renders_the_pages_that_use_it(sample_site, tmp_path, rendered):
    build(BuildOptions(site_dir=sample_site))
    rendered.clear()
    template = sample_site / "templates" / "month.html"
    template.write_text(template.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}\n<!-- -->"),
                        encoding="utf-8")
    build(BuildOptions(site_dir=sample_site))
    assert rendered and all(re.fullmatch(r"(ar|en)/archive/\d{4}/\d{2}/index.html", path) for path in rendered)
    assert files(sample_site / "output") == clean_build_of(sample_site, tmp_path)


def test_unchanged_articles_are_not_read_again(sample_site, monkeypatch):
    reads = Counter()
    real_read = generator.load.read_article

    def counting(path, *args):
        reads[path.stem] += 1
        return real_read(path, *args)

    monkeypatch.setattr(generator.load, "read_article", counting)
    build(BuildOptions(site_dir=sample_site))
    assert sum(reads.values()) == len(ARTICLES)

    reads.clear()
    report = build(BuildOptions(site_dir=sample_site))
    assert reads == Counter() and report.articles_reused == len(ARTICLES)

    touched = sample_site / "content" / "articles" / f"{ARTICLES[1]}.md"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    report = build(BuildOptions(site_dir=sample_site))
    assert reads == Counter(), "a touched file is known unchanged by its bytes, without parsing it"
    assert report.articles_reused == len(ARTICLES)
    stamped = []
    monkeypatch.setattr(generator.load, "_same_bytes", lambda *args: stamped.append(args) or False)
    report = build(BuildOptions(site_dir=sample_site))
    assert not stamped and report.articles_reused == len(ARTICLES), "kept under its new stamp"
    monkeypatch.undo()
    monkeypatch.setattr(generator.load, "read_article", counting)

    reads.clear()
    edit_article(sample_site, ARTICLES[2], "الصيني", "الصينى")
    report = build(BuildOptions(site_dir=sample_site))
    assert reads == Counter({ARTICLES[2]: 1}) and report.articles_reused == len(ARTICLES) - 1

    reads.clear()
    config = sample_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  sentences: 3", "  sentences: 2"),
                      encoding="utf-8")
    report = build(BuildOptions(site_dir=sample_site))
    assert sum(reads.values()) == len(ARTICLES) and report.articles_reused == 0, "new settings: nothing reused"


def report_themes(site: Path, slug: str) -> tuple[str, ...]:
    """The themes a build of the site gives the article."""
    return build(BuildOptions(site_dir=site)).model.by_slug[slug].themes


def test_theme_scores_are_kept_between_builds_and_redone_for_new_keywords(sample_site, tmp_path, monkeypatch):
    scored = Counter()
    real_scores = generator.themes.match_themes

    def counting(article, keywords):
        scored[article.slug] += 1
        return real_scores(article, keywords)

    monkeypatch.setattr(generator.themes, "match_themes", counting)
    build(BuildOptions(site_dir=sample_site))
    assert sum(scored.values()) == len(ARTICLES)

    scored.clear()
    edit_article(sample_site, ARTICLES[2], "الصيني", "الصينى")
    build(BuildOptions(site_dir=sample_site))
    assert scored == Counter({ARTICLES[2]: 1}), "only the edited article is scored again"

    scored.clear()  # a keyword only one article has (in its headline) puts that article in the theme too
    mishustin = "2023-05-19-mishustin-to-visit-beijing"
    assert "sanctions-economy" not in report_themes(sample_site, mishustin)
    config = sample_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("ar: [عقوبات, ", "ar: [ميشوستين, عقوبات, "),
                      encoding="utf-8")
    report = build(BuildOptions(site_dir=sample_site))
    assert sum(scored.values()) == len(ARTICLES) and report.articles_reused == len(ARTICLES)
    assert "sanctions-economy" in report.model.by_slug[mishustin].themes
    assert files(sample_site / "output") == clean_build_of(sample_site, tmp_path)


def test_a_process_that_builds_again_takes_the_incremental_state_from_memory(sample_site, tmp_path, monkeypatch):
    """serve's rebuilds start from the state the last build handed on and read none of its files (the
    articles' index, theme scores, grouping, page index, the writer's manifest) nor look at each file
    of output/, yet give a clean build's bytes; a deleted article is let go, and new settings drop
    what was held."""
    from generator.article_cache import FOLDER, INDEX

    add_second_report(sample_site)  # a story, so grouping has something to keep
    report = build(BuildOptions(site_dir=sample_site))
    assert len(report.state.articles.records) == len(ARTICLES) + 1 and report.state.page_index.pages
    assert report.state.grouping.stories and report.state.theme_scores

    def unread(*_):
        raise AssertionError("a state file was read although the state was handed over")

    for module, reader in [(generator.article_cache, "_read_index"), (generator.incremental, "kept_page_index"),
                           (generator.incremental, "_read_grouping"), (generator.incremental, "_read_theme_scores"),
                           (generator.incremental, "read_site_files"), (generator.write, "read_site_files"),
                           (generator.write, "_still_as_recorded")]:
        monkeypatch.setattr(module, reader, unread)
    (index,) = (sample_site / ".cache" / FOLDER).glob(f"*/{INDEX}")
    index.unlink()  # only what this process holds is left
    edit_article(sample_site, ARTICLES[2], "الصيني", "الصينى")
    report = build(BuildOptions(site_dir=sample_site), state=report.state)
    assert report.articles_reused == len(ARTICLES)
    (sample_site / "content" / "articles" / f"{ARTICLES[0]}.md").unlink()
    report = build(BuildOptions(site_dir=sample_site), state=report.state)
    assert len(report.state.articles.records) == len(ARTICLES), "a deleted article is let go"
    monkeypatch.undo()
    assert index.exists(), "the index a held state found deleted is written again, whole"
    assert files(sample_site / "output") == clean_build_of(sample_site, tmp_path / "after-edits")

    config = sample_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  sentences: 3", "  sentences: 2"),
                      encoding="utf-8")
    report = build(BuildOptions(site_dir=sample_site), state=report.state)
    assert report.articles_reused == 0, "other settings: nothing held earlier applies"
    assert files(sample_site / "output") == clean_build_of(sample_site, tmp_path / "after-settings")


def test_the_state_is_written_after_the_site_is_published_and_a_build_stopped_in_between_costs_no_wrong_page(
        sample_site, tmp_path):
    """`then` (serve reloads the browsers there) runs once output/ holds the new site and before the
    state is written; a build stopped there (killed, as here by an error) leaves the old state
    beside the new site, and the next build still gives a clean build's bytes, even handed the
    state held from before (the stopped build voided it)."""
    from generator.manifest import MANIFEST, SPARE_CHANGING

    cache, output = sample_site / ".cache", sample_site / "output"
    held = build(BuildOptions(site_dir=sample_site)).state
    manifest = (cache / MANIFEST).stat().st_ino
    page = output / page_path("article", "ar", ARTICLES[2])
    seen = []

    def then(report):
        seen.append(("الصينى" in page.read_text(encoding="utf-8"), (cache / MANIFEST).stat().st_ino == manifest,
                     (cache / SPARE_CHANGING).exists()))
        raise RuntimeError("stopped before the state is written")

    edit_article(sample_site, ARTICLES[2], "الصيني", "الصينى")
    with pytest.raises(RuntimeError):
        build(BuildOptions(site_dir=sample_site), then=then)
    assert seen == [(True, True, True)], "published, with the old records still on disk"
    edit_article(sample_site, ARTICLES[3], "الصيني", "الصينى")
    report = build(BuildOptions(site_dir=sample_site), state=held, changed={str(sample_site / "content" / "articles"
                                                                                 / f"{ARTICLES[3]}.md")})
    assert report.pages_unchanged > 0 and (cache / MANIFEST).stat().st_ino != manifest
    assert not (cache / SPARE_CHANGING).exists()
    assert files(output) == clean_build_of(sample_site, tmp_path)


def test_a_held_state_looks_only_at_the_files_said_to_have_changed_until_another_build_voids_it(
        sample_site, tmp_path, monkeypatch):
    """serve passes the paths its watcher saw change since the held state's build: no other article
    file is looked at. A build by another process since makes the held state void: it is read from
    disk again, and every file is looked at, whatever the list says."""
    folder = sample_site / "content" / "articles"
    report = build(BuildOptions(site_dir=sample_site))
    looked: list[str] = []
    stamp = generator.load.file_stamp
    monkeypatch.setattr(generator.load, "file_stamp", lambda *paths: looked.append(paths[0].name) or stamp(*paths))
    edit_article(sample_site, ARTICLES[2], "الصيني", "الصينى")
    translation = folder / f"{ARTICLES[1]}.en.md"  # an editor translation counts for its article
    translation.write_text(translation.read_text(encoding="utf-8").replace("President", "Leader", 1), encoding="utf-8")
    report = build(BuildOptions(site_dir=sample_site), state=report.state,
                   changed={str(folder / f"{ARTICLES[2]}.md"), str(translation)})
    assert sorted(looked) == [f"{ARTICLES[1]}.md", f"{ARTICLES[2]}.md"]
    assert report.articles_reused == len(ARTICLES) - 2
    assert files(sample_site / "output") == clean_build_of(sample_site, tmp_path / "edited")

    held = report.state
    edit_article(sample_site, ARTICLES[3], "الصيني", "الصينى")
    build(BuildOptions(site_dir=sample_site))  # another process builds the site meanwhile
    edit_article(sample_site, ARTICLES[4], "الصيني", "الصينى")
    looked.clear()
    build(BuildOptions(site_dir=sample_site), state=held, changed=set())  # the list is of changes since `held`
    assert len(looked) == len(ARTICLES), "the held state is void: every file is looked at"
    assert files(sample_site / "output") == clean_build_of(sample_site, tmp_path / "after-another-build")


def test_a_held_state_updates_its_listing_of_the_articles_by_the_paths_that_changed(sample_site, tmp_path,
                                                                                     monkeypatch):
    """Under serve, an article added, an editor translation added and an article deleted update the
    held listing of content/articles/ (and the page index's readers): the folder is not listed
    again, and each rebuild gives the bytes of a clean build. A new subfolder is more than the
    listing knows: the folder is listed."""
    folder = sample_site / "content" / "articles"
    listed = []
    list_articles = generator.load.list_articles
    monkeypatch.setattr(generator.load, "list_articles", lambda *a: listed.append(a) or list_articles(*a))
    add_second_report(sample_site)
    state = generator.incremental.held(build(BuildOptions(site_dir=sample_site)).state)  # as serve holds it
    assert len(listed) == 1 and state.page_index.readers
    article, translation = folder / "2023-06-01-kremlin-again.md", folder / "2023-06-01-kremlin-again.en.md"
    steps = [("added", {article}), ("translated", {translation}),
             ("deleted", {folder / f"{SECOND_REPORT}.md", folder / f"{SECOND_REPORT}.en.md"})]
    listed.clear()
    for step, paths in steps:
        if step == "added":
            copy_report(sample_site, article.stem, "2023-06-01")
            translation.rename(tmp_path / "held-back.en.md")
        elif step == "translated":
            (tmp_path / "held-back.en.md").rename(translation)
        elif step == "deleted":
            for path in paths:
                path.unlink()
        report = build(BuildOptions(site_dir=sample_site), state=state, changed={str(path) for path in paths})
        assert not report.errors and not listed, step
        # a clean build of a copy: one of this site would void the held state (another build of the site)
        copy = shutil.copytree(sample_site, tmp_path / step, ignore=shutil.ignore_patterns(".cache", "output", ".*"))
        assert files(sample_site / "output") == clean_build_of(copy, copy), step
        listed.clear()
        assert report.state.page_index.readers, "the readers are handed on, updated"
        state = report.state
    (folder / "2024").mkdir()
    shutil.copy(folder / f"{ARTICLES[0]}.md", folder / "2024" / "copy.md")
    build(BuildOptions(site_dir=sample_site), state=state, changed={str(folder / "2024" / "copy.md")})
    assert len(listed) == 1


def test_the_spare_folder_is_the_previous_site_and_is_updated_not_copied(sample_site):
    output, spare = sample_site / "output", spare_path(sample_site / "output")
    build(BuildOptions(site_dir=sample_site))
    first = files(output)
    assert files(spare) == first, "after a first build the spare is a linked copy"
    edit_article(sample_site, ARTICLES[0], "الصيني", "الصينى")
    build(BuildOptions(site_dir=sample_site))
    second = files(output)
    assert second != first and files(spare) == first, "the spare holds the site one build back"

    inodes = {p: (spare / p).stat().st_ino for p in first}
    edit_article(sample_site, ARTICLES[3], "الصيني", "الصينى")
    report = build(BuildOptions(site_dir=sample_site))
    assert files(spare) == second
    assert files(output) != second and report.pages_written < len(second) / 2
    reused = [p for p in first if p in files(output) and (output / p).stat().st_ino == inodes[p]]
    assert len(reused) > len(first) / 2, "most files of the spare were kept, not written again"


def test_a_failed_build_marks_what_it_changed_in_the_spare(sample_site, tmp_path, monkeypatch):
    build(BuildOptions(site_dir=sample_site))
    build(BuildOptions(site_dir=sample_site, base_url="https://example.org/"))  # every page differs now
    before = files(sample_site / "output")
    edit_article(sample_site, ARTICLES[0], "الصيني", "الصينى")
    calls = Counter()
    real_store = generator.write.SiteWriter._store

    def failing(self, *args):
        calls["store"] += 1
        if calls["store"] > 20:
            raise RuntimeError("a template error, say, half-way through the pages")
        return real_store(self, *args)

    monkeypatch.setattr(generator.write.SiteWriter, "_store", failing)
    with pytest.raises(RuntimeError):
        build(BuildOptions(site_dir=sample_site))
    monkeypatch.undo()
    assert files(sample_site / "output") == before
    build(BuildOptions(site_dir=sample_site))
    assert files(sample_site / "output") == clean_build_of(sample_site, tmp_path)


def test_a_file_a_failed_build_added_is_not_published_later(tmp_path):
    """A render worker writes its page into the spare and reports it afterwards; if the build fails
    in between, the writer never heard of the file, and still no later build may publish it."""
    output, cache = tmp_path / "output", tmp_path / ".cache"
    cache.mkdir()  # the build lock makes it in a build

    def publish(*names: str) -> None:
        with SiteWriter(output, cache) as writer:
            for name in names:
                writer.put(PurePosixPath(name), name.encode())
            writer.commit()

    publish("a.html")
    with pytest.raises(RuntimeError), SiteWriter(output, cache) as writer:
        writer.store(PurePosixPath("drafts/b.html"), b"b")  # stored, never added: as if a worker died
        raise RuntimeError("the build failed before the page was counted in")
    for _ in range(2):  # the first swaps the failed build's spare in as output/, the second swaps it out
        publish("a.html")
        assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*")) == ["a.html"]


def test_worker_processes_give_the_same_pages(tmp_path, monkeypatch):
    from test_render import make_config, make_model

    config = make_config(tmp_path)
    alone = {p.path: p for p in SiteRenderer(make_model(), config).pages(workers=1)}
    monkeypatch.setattr(generator.runtime, "MIN_ITEMS", 0)
    monkeypatch.setattr(generator.runtime, "CHUNK", 3)
    monkeypatch.setattr(generator.runtime, "TASKS_PER_CHILD", 2)  # children are replaced along the way
    shared = {p.path: p for p in SiteRenderer(make_model(), config).pages(workers=2)}
    assert shared == alone
    keys = {path.as_posix(): page.key for path, page in alone.items()}
    assert all(p.data is None for p in SiteRenderer(make_model(), config).pages(keys, workers=2)), \
        "with every key known, no worker renders anything"


def test_worker_processes_stop_with_the_pool_whatever_sigterm_handler_the_parent_has():
    """The pool stops its children with SIGTERM; a parent that ignores it (or handles it, as serve
    does) must not pass that on, or abandoning the work early waits for them for ever."""
    script = """
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
from generator.runtime import fork_map
results = fork_map(lambda i: time.sleep(0.05) or i, list(range(400)), 2)
print(next(results)); results.close()
print("stopped")
"""
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.split() == ["0", "stopped"], run.stderr


def test_worker_processes_clean_and_summarise_the_same_articles(sample_site, monkeypatch):
    from generator.article_cache import ArticleCache, keep_articles
    from generator.config import site_config
    from generator.pipeline import prepare_articles
    from generator.structure import BuildReport
    from generator.translate import translation_identity

    config = site_config(BuildOptions(site_dir=sample_site))

    def prepared(workers):
        shutil.rmtree(config.cache_dir, ignore_errors=True)  # nothing kept: every article is cleaned and summarised
        report = BuildReport()
        cache = ArticleCache(config, translation_identity(config))
        records, *_ = prepare_articles(config, report, cache, None, strict=False, workers=workers)
        assert report.articles_reused == 0
        keep_articles(cache.finish())  # the index, as a successful build writes it
        return records

    alone = prepared(1)
    monkeypatch.setattr(generator.runtime, "MIN_ITEMS", 0)
    monkeypatch.setattr(generator.runtime, "CHUNK", 2)
    shared = prepared(2)
    assert shared == alone and [a.digest for a in shared] == [a.digest for a in alone]
    report = BuildReport()  # a new process: only the index and what the workers wrote to the cache's files
    again, *_ = prepare_articles(config, report, ArticleCache(config, translation_identity(config)), None,
                                   strict=False, workers=2)
    assert again == alone and report.articles_reused == len(alone), "the workers cached every article they made"


def test_a_damaged_or_older_manifest_costs_a_rewrite_not_a_wrong_site(sample_site, tmp_path):
    build(BuildOptions(site_dir=sample_site))
    cache = sample_site / ".cache"
    (cache / "manifest.marshal").write_bytes(b"\xfa not marshal data")  # or written by another Python version
    (cache / "manifest.json").write_text("{}", encoding="utf-8")  # what versions before the marshal one wrote
    edit_article(sample_site, ARTICLES[0], "الصيني", "الصينى")
    report = build(BuildOptions(site_dir=sample_site))
    assert report.pages_unchanged == 0, "no record could be trusted: every file is written again"
    assert not (cache / "manifest.json").exists()
    edit_article(sample_site, ARTICLES[0], "الصينى", "الصيني")
    assert build(BuildOptions(site_dir=sample_site)).pages_unchanged > 0, "the new manifest is read again"
    assert files(sample_site / "output") == clean_build_of(sample_site, tmp_path)


def test_files_changed_behind_the_builds_back_are_not_published(sample_site, tmp_path):
    build(BuildOptions(site_dir=sample_site))
    edit_article(sample_site, ARTICLES[0], "الصيني", "الصينى")
    build(BuildOptions(site_dir=sample_site))
    spare = spare_path(sample_site / "output")
    (spare / "static" / "style.css").write_text("body{color:red}", encoding="utf-8")  # edited by hand
    (spare / "ar" / "index.html").unlink()
    edit_article(sample_site, ARTICLES[3], "الصيني", "الصينى")
    build(BuildOptions(site_dir=sample_site))
    assert files(sample_site / "output") == clean_build_of(sample_site, tmp_path)


def test_a_template_digest_covers_what_it_extends_and_includes(tmp_path):
    from jinja2 import Environment, FileSystemLoader

    from generator.render import template_digests

    sources = {"page.html": '{% extends "base.html" %}', "base.html": "base", "other.html": "other",
               "dynamic.html": "{% include chosen %}"}
    for name, text in sources.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    def digests() -> dict[str, str]:
        return template_digests(Environment(loader=FileSystemLoader(str(tmp_path))))

    before = digests()
    (tmp_path / "base.html").write_text("base, edited", encoding="utf-8")
    after = digests()
    assert after["page.html"] != before["page.html"] and after["base.html"] != before["base.html"]
    assert after["other.html"] == before["other.html"]
    assert after["dynamic.html"] != before["dynamic.html"], "an include chosen at render time may be any template"


def test_an_unchanged_page_is_known_by_its_sources_without_building_it(tmp_path, monkeypatch):
    from test_render import make_config, make_model

    config = make_config(tmp_path)
    rendered = {p.path: p for p in SiteRenderer(make_model(), config).pages()}
    keys = {path.as_posix(): page.key for path, page in rendered.items()}
    renderer = SiteRenderer(make_model(), config)
    real_recipe = renderer.recipe

    def recipe(kind: str, *arguments):  # an unchanged page of a source-keyed kind is not built at all
        if kind in generator.render.SOURCE_KEYED_PAGES:
            pytest.fail(f"{(kind, *arguments)} was built")
        return real_recipe(kind, *arguments)

    monkeypatch.setattr(renderer, "recipe", recipe)
    kept = {p.path: p for p in renderer.pages(keys)}
    assert kept.keys() == rendered.keys() and all(page.data is None for page in kept.values())
    for path, page in kept.items():  # the same key, sitemap versions and search entry as the page built
        built = rendered[path]
        search = built.search and dataclasses.replace(built.search, record=None)
        assert dataclasses.replace(built, data=None, search=search) == page, path


@pytest.mark.parametrize("change", ["linked title", "theme name", "own summary", "duplicate's outlet", "new month",
                                    "new briefing", "earlier year", "title on an earlier year's page",
                                    "month in an earlier year", "undated title", "latest story's title",
                                    "dated in a new year"])
def test_page_keys_follow_what_the_pages_show(tmp_path, monkeypatch, change):
    """After each kind of change, the pages kept by their keys (or left unvisited by the page index)
    plus those rendered again are exactly the pages a clean render of the changed model gives: no
    page shows something its key missed, no page the index keeps has an input that changed."""
    from test_render import make_config, make_model, with_article, with_meta

    monkeypatch.setattr(generator.pages.site, "THEME_LATEST", 1)  # every theme with a page per year, too

    config = make_config(tmp_path)
    model = make_model()
    march = model.briefings[0]  # as grouping lists a story: once; "trade-up" then shows as xi-visit's duplicate
    sections = tuple(dataclasses.replace(d, slugs=tuple(s for s in d.slugs if s != "trade-up")) for d in march.sections)
    model = dataclasses.replace(model, briefings=(dataclasses.replace(march, sections=sections), *model.briefings[1:]))
    if change in ("title on an earlier year's page", "month in an earlier year"):  # diplomacy: "talks" in 2022
        model = with_meta(model, "talks", date=dt.date(2022, 11, 10))
    renderer = SiteRenderer(model, config)
    first = {p.path: p for p in renderer.pages()}
    index = renderer.page_index(first.values())
    before = {path.as_posix(): page.key for path, page in first.items()}
    xi = model.by_slug["xi-visit"]  # links to "talks" (related) and "trade-up" (duplicate), in "diplomacy"
    if change == "linked title":
        model = with_meta(model, "talks", title="محادثات جديدة في بكين")
    elif change == "theme name":
        model = dataclasses.replace(model, themes=tuple(dataclasses.replace(t, name_en="Diplomacy and talks")
                                                        if t.id == "diplomacy" else t for t in model.themes))
    elif change == "duplicate's outlet":
        model = with_meta(model, "trade-up", source="Another Outlet")
    elif change == "new month":  # February appears between January and March: their month pages link to it
        model = with_meta(model, "talks", date=dt.date(2023, 2, 10))
    elif change == "earlier year":  # the diplomacy theme gets a page for 2022, and its own page a list of years
        model = with_meta(model, "talks", date=dt.date(2022, 11, 10))
    elif change == "title on an earlier year's page":
        model = with_meta(model, "talks", title="محادثات جديدة في بكين")
    elif change == "month in an earlier year":  # the theme's own page shows it only in its chart
        model = with_meta(model, "talks", date=dt.date(2022, 10, 10))
    elif change == "undated title":
        model = with_meta(model, "old-note", title="مذكرة قديمة")
    elif change == "latest story's title":  # the newest article of both its themes
        model = with_meta(model, "xi-visit", title="شي يصل إلى موسكو")
    elif change == "dated in a new year":  # trade's page for 2023 lists the same articles, and one more year
        model = with_meta(model, "old-note", date=dt.date(2021, 6, 1))
    elif change == "new briefing":  # between two others, which link to it as newer and older
        day = dt.date(2023, 2, 10)
        extra = Briefing(day.isoformat(), day, day, (), (BriefingSection("diplomacy", ("talks",)),))
        model = dataclasses.replace(model, briefings=(model.briefings[0], extra, *model.briefings[1:]))
    else:
        whole = model.articles[xi.slug]
        summary = dataclasses.replace(whole.summary, english=("New summary.",))
        model = with_article(model, SummarizedArticle(whole.translated, summary, whole.profile))
    renderer = SiteRenderer(model, config)
    after = {p.path.as_posix(): p for p in renderer.pages(before, previous=index)}
    assert renderer.unchanged, "the page index left every page to be keyed again"
    after.update((kept.path, RenderedPage(PurePosixPath(kept.path), kept.key, None, kept.sitemap))
                 for kept in renderer.unchanged)
    clean = {p.path: p.data for p in SiteRenderer(model, config).pages()}
    assert stale_pages(first, after, clean) == set()
    changed = {path for path, data in clean.items() if path not in first or data != first[path].data}
    assert changed and all(after[path.as_posix()].data is not None for path in changed)
    if change in ("linked title", "theme name", "own summary"):
        page = after["en/articles/xi-visit.html"]
        assert page.key != before[page.path.as_posix()] and page.data is not None


def stale_pages(first: dict, after: dict, clean: dict) -> set[PurePosixPath]:
    """The pages an incremental render (`after`, keyed by the `first` render's keys; a page without bytes
    is the one `first` made) gets wrong or misses or adds, against a `clean` render of the same model."""
    incremental = {PurePosixPath(path): page.data if page.data is not None else first[page.path].data
                   for path, page in after.items()}
    return {path for path in incremental.keys() | clean.keys() if incremental.get(path) != clean.get(path)}


def test_an_index_handed_on_in_memory_through_several_edits_keeps_giving_the_clean_pages(tmp_path):
    """As under serve: the index is given its readers (input → pages) once, and each render starts
    from the index the last one handed on, with the readers updated rather than made again. After
    each edit, the pages kept and rendered are a clean render's, and the readers handed on are
    those of the index's own pages. Without readers (the command line) they are not made."""
    from test_render import make_config, make_model, with_meta

    config = make_config(tmp_path)
    model = make_model()
    renderer = SiteRenderer(model, config)
    pages = {p.path: p for p in renderer.pages()}
    index = renderer.page_index(pages.values())
    assert index.readers is None
    index = generator.page_index.with_readers(index)
    edits = [lambda m: with_meta(m, "talks", title="محادثات جديدة في بكين"),
             lambda m: with_meta(m, "talks", date=dt.date(2023, 2, 10)),  # a new month between two others
             lambda m: with_meta(m, "trade-up", source="Another Outlet"),
             lambda m: with_meta(m, "talks", date=dt.date(2023, 1, 5))]  # and gone again
    for edit in edits:
        model = edit(model)
        renderer = SiteRenderer(model, config)
        keys = {path.as_posix(): page.key for path, page in pages.items()}
        after = {p.path.as_posix(): p for p in renderer.pages(keys, previous=index)}
        assert renderer.unchanged
        after.update((kept.path, RenderedPage(PurePosixPath(kept.path), kept.key, None, kept.sitemap))
                     for kept in renderer.unchanged)
        clean = {p.path: p for p in SiteRenderer(model, config).pages()}
        assert stale_pages(pages, after, {path: page.data for path, page in clean.items()}) == set()
        index = renderer.page_index(p for p in after.values() if p.data is not None)
        made = generator.page_index.with_readers(dataclasses.replace(index, readers=None))
        assert index.readers is not None and index.readers == made.readers
        assert set(index.fingerprints) == set(index.readers)
        pages = clean


def test_a_kind_whose_sources_miss_what_its_view_reads_is_caught(tmp_path, monkeypatch):
    """The check above has teeth: a month kind that declares its articles by slug only, not by digest,
    keeps its month page when a title on it changes, and the comparison with a clean render says so."""
    from test_render import make_config, make_model, with_meta

    month = generator.pages.KINDS["month"]

    def slugs_only(inputs, lang, key, number):
        shown, pages, _ = inputs.listing_page("month", key, number)
        return "month", lang, key, (number, pages), tuple((day, continued, items) for _, day, items, continued in shown)

    broken = dict(generator.pages.KINDS, month=dataclasses.replace(month, sources=slugs_only))
    monkeypatch.setattr(generator.render, "KINDS", MappingProxyType(broken))
    config = make_config(tmp_path)
    model = make_model()
    first = {p.path: p for p in SiteRenderer(model, config).pages()}
    before = {path.as_posix(): page.key for path, page in first.items()}
    model = with_meta(model, "talks", title="محادثات جديدة في بكين")
    after = {p.path.as_posix(): p for p in SiteRenderer(model, config).pages(before)}
    clean = {p.path: p.data for p in SiteRenderer(model, config).pages()}
    month_of_talks = {page_path("month", lang, month_key(model.by_slug["talks"].meta.date)) for lang in LANGUAGES}
    assert stale_pages(first, after, clean) == month_of_talks


def copy_report(site: Path, slug: str, date: str) -> None:
    """The tests' second report of the Moscow-summit story again, as another article on `date`."""
    for suffix in (".md", ".en.md"):
        text = (Path(__file__).parent / "data" / f"second-report{suffix}").read_text(encoding="utf-8")
        (site / "content" / "articles" / f"{slug}{suffix}").write_text(
            text.replace("date: 2023-03-18", f"date: {date}"), encoding="utf-8")


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


EDITS = {  # the editor's changes a rebuild must follow (grouping kept, pages kept by their keys)
    "article added at the end": lambda site: copy_report(site, "2023-06-01-kremlin-again", "2023-06-01"),
    "article added to a day that has others": lambda site: copy_report(site, "2023-03-18-kremlin-again", "2023-03-18"),
    "article back-dated into the middle": lambda site: copy_report(site, "2022-01-10-kremlin-earlier", "2022-01-10"),
    "title shown on listing pages": lambda site: replace_in(
        site / "content" / "articles" / f"{ARTICLES[-1]}.md", 'title: "', 'title: "عاجل - '),
    "article of a story deleted": lambda site: [(site / "content" / "articles" / f"{SECOND_REPORT}{suffix}").unlink()
                                                for suffix in (".md", ".en.md")],
    "template of one page kind": lambda site: replace_in(site / "templates" / "story.html", "{% block main %}",
                                                         "{% block main %}\n<!-- -->"),
    "themes in site.yaml": lambda site: replace_in(site / "site.yaml", "en: Summits and visits", "en: Summits"),
}


@pytest.mark.parametrize("edit", EDITS)
def test_a_rebuild_after_each_kind_of_edit_gives_the_bytes_of_a_clean_build(sample_site, tmp_path, edit):
    add_second_report(sample_site)  # the sample site then has a story
    assert not build(BuildOptions(site_dir=sample_site)).errors
    assert (sample_site / ".cache" / generator.incremental.GROUPING_FILE).is_file()
    EDITS[edit](sample_site)
    assert not build(BuildOptions(site_dir=sample_site)).errors
    assert files(sample_site / "output") == clean_build_of(sample_site, tmp_path)


def test_the_page_index_keeps_the_unchanged_pages_for_the_same_code_and_configuration_only(tmp_path):
    """Saved and read back, the index leaves every page unvisited when nothing changed; with other
    configuration (here the digits) every page's key may differ, so none is left unvisited."""
    from test_render import make_config, make_model

    renderer = SiteRenderer(make_model(), make_config(tmp_path))
    pages = list(renderer.pages())
    generator.page_index.keep_page_index(tmp_path, renderer.page_index(pages))
    index = generator.page_index.kept_page_index(tmp_path)
    assert index == renderer.page_index([])
    keys = {p.path.as_posix(): p.key for p in pages}
    same = SiteRenderer(make_model(), make_config(tmp_path))
    assert all(page.data is None for page in same.pages(keys, previous=index))
    keyed_by_sources = [spec for spec in renderer.page_specs() if spec[0] in generator.render.SOURCE_KEYED_PAGES]
    assert sorted(kept.path for kept in same.unchanged) == sorted(page.path for page in index.pages.values())
    assert len(same.unchanged) == len(keyed_by_sources)
    other = SiteRenderer(make_model(), make_config(tmp_path, digits="arabic-indic"))
    list(other.pages(keys, previous=index))
    assert not other.unchanged
