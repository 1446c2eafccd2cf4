"""serve's drafts: a saved article's own pages, made on the last build's grouping, before the rebuild."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from test_incremental import files

from generator.config import BuildOptions, site_config
from generator.draft import draft_pages
from generator.pipeline import build
from generator.structure import SiteModel
from generator.translate import EngineCache

STEM = "2023-03-17-xi-to-visit-moscow"
NEW_STEM = "2023-06-02-lavrov-in-beijing"
NEW_TITLE = "لافروف يصل إلى بكين في زيارة رسمية"


def article(site: Path, stem: str = STEM) -> Path:
    return site / "content" / "articles" / f"{stem}.md"


def built(site: Path) -> SiteModel:
    report = build(BuildOptions(site_dir=site))
    assert report.model is not None
    return report.model


def drafts_of(site: Path, model: SiteModel, *changed: Path) -> dict[str, bytes]:
    return draft_pages([str(path) for path in changed], model, site_config(BuildOptions(site_dir=site)),
                       EngineCache())


def page_title(html: bytes) -> str:
    return " ".join(lxml.html.fromstring(html).xpath("//main//h1")[0].text_content().split())


def test_an_edited_articles_draft_is_the_page_the_build_then_writes(sample_site):
    model = built(sample_site)
    output = sample_site / "output"
    before = files(output)
    path = article(sample_site)
    path.write_text(path.read_text(encoding="utf-8").replace("الصيني", "الصينى", 1), encoding="utf-8")

    drafts = drafts_of(sample_site, model, path)
    assert files(output) == before  # a draft is never written
    after = built(sample_site)
    assert sorted(drafts) == sorted(f"{lang}/{kind}/{STEM}.html"
                                    for lang in ("ar", "en") for kind in ("articles", "bilingual"))
    for name in ("themes", "related", "story"):  # what makes the draft exact: the grouping held
        assert getattr(after.by_slug[STEM], name) == getattr(model.by_slug[STEM], name)
    assert drafts[f"ar/articles/{STEM}.html"] != before[f"ar/articles/{STEM}.html"]
    for name, html in drafts.items():
        assert html == (output / name).read_bytes(), name


def test_a_new_articles_draft_shows_it_with_the_themes_its_words_give(sample_site):
    model = built(sample_site)
    text = article(sample_site).read_text(encoding="utf-8")
    text = re.sub(r"^title: .*$", f'title: "{NEW_TITLE}"', text, count=1, flags=re.M)
    new = article(sample_site, NEW_STEM)
    new.write_text(re.sub(r"^date: .*$", "date: 2023-06-02", text, count=1, flags=re.M), encoding="utf-8")
    shutil.copy(article(sample_site).with_suffix(".en.md"), new.with_suffix(".en.md"))

    drafts = drafts_of(sample_site, model, new, new.with_suffix(".en.md"))
    assert NEW_STEM not in model.by_slug
    page = drafts[f"ar/articles/{NEW_STEM}.html"]
    assert page_title(page) == NEW_TITLE
    after = built(sample_site)
    chips = lxml.html.fromstring(page).xpath("//ul[@class='chips']//a/@href")
    assert chips and [href.rstrip("/").rsplit("/", 1)[-1] for href in chips] == list(after.by_slug[NEW_STEM].themes)
    assert page_title((sample_site / "output" / f"ar/articles/{NEW_STEM}.html").read_bytes()) == NEW_TITLE


@pytest.mark.parametrize("change", ["template", "broken front matter", "deleted", "same address",
                                    "two new files, one address", "glossary", "memory outside"])
def test_no_draft_when_only_the_full_build_can_show_the_change(sample_site, tmp_path, change):
    model = built(sample_site)
    path = article(sample_site)
    changed = [path]
    if change == "template":
        changed.append(sample_site / "templates" / "article.html")
    elif change == "broken front matter":
        path.write_text(re.sub(r"^title: .*$", "title: [unclosed", path.read_text(encoding="utf-8"), count=1,
                               flags=re.M), encoding="utf-8")
    elif change == "deleted":
        path.unlink()
    elif change == "same address":  # a .txt beside the .md: one slug, two files
        changed = [path.with_suffix(".txt")]
        changed[0].write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    elif change == "two new files, one address":
        changed = [article(sample_site, NEW_STEM), article(sample_site, NEW_STEM).with_suffix(".txt")]
        for new in changed:
            new.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    elif change == "glossary":
        changed.append(sample_site / "content" / "glossary.yaml")
    else:  # the build refuses a translation memory outside the site
        memory = sample_site / "translation-memory"
        shutil.copytree(memory, tmp_path / "memory") if memory.exists() else (tmp_path / "memory").mkdir()
        shutil.rmtree(memory, ignore_errors=True)
        memory.symlink_to(tmp_path / "memory")
    assert drafts_of(sample_site, model, *changed) == {}
