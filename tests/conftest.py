"""Shared fixtures: a copy of the sample site, and an isolated Argos Translate home with a tiny model.

Argos reads ARGOS_PACKAGES_DIR and the XDG folders once, at import, so they are pointed at a
temporary folder here, before any test module can import argostranslate.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent
_ARGOS_HOME = Path(tempfile.mkdtemp(prefix="argos-home-"))
ARGOS_ENV = {
    "ARGOS_PACKAGES_DIR": str(_ARGOS_HOME / "packages"),
    "XDG_DATA_HOME": str(_ARGOS_HOME / "data"),
    "XDG_CACHE_HOME": str(_ARGOS_HOME / "cache"),
    "XDG_CONFIG_HOME": str(_ARGOS_HOME / "config"),
}
os.environ.update(ARGOS_ENV)


# The input fuzz tests (articles, front matter, site.yaml and glossary text through the loader and `check`)
# take FUZZ's budget: 200 examples each on a developer's machine, ten times as many in CI (CI=true),
# where at least 2,000 generated articles go through `check`.
settings.register_profile("fuzz", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.register_profile("fuzz-ci", settings.get_profile("fuzz"), max_examples=2000)
FUZZ = settings.get_profile("fuzz-ci" if os.environ.get("CI") == "true" else "fuzz")


def pytest_unconfigure(config):
    shutil.rmtree(_ARGOS_HOME, ignore_errors=True)


def copy_sample_site(dest: Path) -> Path:
    """The repository's sample site (config, content, templates, static), copied so tests may change it."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "site.yaml", dest / "site.yaml")
    for folder in ("content", "templates", "static"):
        if (REPO / folder).exists():
            shutil.copytree(REPO / folder, dest / folder)
    return dest


@pytest.fixture
def sample_site(tmp_path: Path) -> Path:
    return copy_sample_site(tmp_path / "site")


def indexed_pages(output: Path, lang: str) -> int:
    """How many pages the search index of one language holds, over all its shards."""
    folder = output / "pagefind" / lang
    return sum(json.loads((folder / shard / "pagefind-entry.json").read_text())["languages"][lang]["page_count"]
               for shard in json.loads((folder / "indexes.json").read_text()))


def sample_texts() -> list[str]:
    """The Arabic bodies of the sample articles: training text for the tiny test model."""
    texts = []
    for path in sorted((REPO / "content" / "articles").glob("*.md")):
        if path.name.endswith(".en.md"):
            continue
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        texts.extend(line for line in body.splitlines() if line.strip())
    return texts


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A valid ar→en .argosmodel with random weights, built offline in about a second."""
    from argos_model import build_argos_model

    return build_argos_model(tmp_path_factory.mktemp("model") / "translate-ar_en-1_0.argosmodel", sample_texts())


@pytest.fixture(scope="session")
def layout_model(tmp_path_factory):
    """Build (once per session) a tiny ar→en .argosmodel in one of argos_model.LAYOUTS."""
    from argos_model import build_argos_model

    built: dict[str, Path] = {}

    def build(layout: str) -> Path:
        if layout not in built:
            built[layout] = build_argos_model(tmp_path_factory.mktemp("model") / f"{layout}.argosmodel",
                                              sample_texts(), layout=layout)
        return built[layout]

    return build


def run_cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m generator ...` in a fresh process, with this session's Argos home."""
    full_env = {**os.environ, **ARGOS_ENV, **(env or {})}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def argos_home(tmp_path: Path) -> dict:
    """Environment for a subprocess with its own, empty Argos Translate home."""
    home = tmp_path / "argos"
    return {"ARGOS_PACKAGES_DIR": str(home / "packages"), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config")}
