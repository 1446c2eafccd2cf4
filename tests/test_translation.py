"""The real translation path, end to end and offline: a tiny but valid Argos package, installed with
`models install --from-file`, translating a site through CTranslate2 — no fake engine anywhere."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import lxml.html
import yaml
from conftest import ARGOS_ENV, REPO, run_cli

from generator.arabic import normalize
from generator.translate.memory import TranslationMemory
from generator.translate.memory_files import part_files

MACHINE_SLUG = "2023-03-17-xi-to-visit-moscow"
SUMMARY = re.compile(r"Translation: (\d+) segment\(s\) from memory, (\d+) translated")


def machine_site(site: Path) -> Path:
    """The sample site with one article's editor translation removed, so the model must translate it."""
    (site / "content" / "articles" / f"{MACHINE_SLUG}.en.md").unlink()
    return site


def translation_counts(stdout: str) -> tuple[int, int]:
    match = SUMMARY.search(stdout)
    assert match, stdout
    return int(match[1]), int(match[2])


def english_page(site: Path, slug: str = MACHINE_SLUG) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(site / "output" / "en" / "articles" / f"{slug}.html")).getroot()


def install(model: Path, env: dict) -> None:
    result = run_cli("models", "install", "--from-file", str(model), env=env)
    assert result.returncode == 0, result.stderr
    assert "Installed Argos Translate ar→en 1.0" in result.stdout


def test_models_list_and_install_from_file(tiny_model, argos_home, sample_site):
    before = run_cli("models", "list", "--site", str(sample_site), env=argos_home)
    assert before.returncode == 0 and "No Argos packages installed" in before.stdout
    install(tiny_model, argos_home)
    after = run_cli("models", "list", "--site", str(sample_site), env=argos_home)
    assert re.search(r"ar→en\s+version 1\.0 .* serves this site \(ar→en\)", after.stdout), after.stdout


def test_install_refuses_a_file_that_is_not_a_model(tmp_path, argos_home):
    bogus = tmp_path / "model.argosmodel"
    bogus.write_bytes(b"not a zip")
    result = run_cli("models", "install", "--from-file", str(bogus), env=argos_home)
    assert result.returncode == 1
    assert "not an .argosmodel" in result.stderr and "Traceback" not in result.stderr


def test_missing_model_leaves_pages_pending_and_strict_fails(sample_site, argos_home):
    site = machine_site(sample_site)
    result = run_cli("build", "--site", str(site), env=argos_home)
    assert result.returncode == 0, result.stderr
    assert "python -m generator models install" in result.stderr
    page = english_page(site)
    notice = page.find_class("notice-pending") or page.xpath("//*[contains(@class, 'pending')]")
    assert notice, "the English page must show the translation-pending state"
    strict = run_cli("build", "--site", str(site), "--strict", env=argos_home)
    assert strict.returncode == 1 and "Traceback" not in strict.stderr


def test_machine_translation_memory_and_glossary(tiny_model, argos_home, sample_site):
    site = machine_site(sample_site)
    install(tiny_model, argos_home)

    first = run_cli("build", "--site", str(site), env=argos_home)
    assert first.returncode == 0, first.stderr
    from_memory, translated = translation_counts(first.stdout)
    assert translated > 20 and from_memory == 0

    page = english_page(site)
    assert page.get("lang") == "en" and page.get("dir") == "ltr"
    credit = " ".join(page.xpath("//main")[0].text_content().split())
    assert "Machine translated by Argos Translate ar→en 1.0" in credit
    paragraphs = [p.text_content() for p in page.xpath("//main//article//p[not(ancestor::aside)]")]
    english_body = " ".join(paragraphs)
    assert re.search(r"[A-Za-z]{3,}", english_body)
    assert not re.search("[\u0600-\u06ff]", english_body), "Arabic text must not appear as English body"

    # Glossary terms come out exactly as written even though the model's weights are random.
    glossary = yaml.safe_load((site / "content" / "glossary.yaml").read_text(encoding="utf-8"))
    bilingual = lxml.html.parse(str(site / "output" / "en" / "bilingual" / f"{MACHINE_SLUG}.html")).getroot()
    pairs = _bilingual_pairs(bilingual)
    assert pairs, "the bilingual view pairs paragraphs"
    checked = 0
    for arabic, english in pairs:
        for term, rendering in glossary.items():
            if normalize(term) in normalize(arabic):
                assert rendering in english, (term, arabic, english)
                checked += 1
    assert checked >= 5

    # A rebuild without the prepared articles translates nothing: everything comes from the memory.
    shutil.rmtree(site / ".cache" / "articles")
    second = run_cli("build", "--site", str(site), env=argos_home)
    assert second.returncode == 0, second.stderr
    assert translation_counts(second.stdout) == (translated, 0)
    first_html = (site / "output" / "en" / "articles" / f"{MACHINE_SLUG}.html").read_bytes()

    # With the model gone, the memory alone still gives the same English page.
    for package in Path(argos_home["ARGOS_PACKAGES_DIR"]).iterdir():
        shutil.rmtree(package)
    third = run_cli("build", "--site", str(site), "--force", env=argos_home)
    assert third.returncode == 0, third.stderr
    assert translation_counts(third.stdout) == (translated, 0)
    assert (site / "output" / "en" / "articles" / f"{MACHINE_SLUG}.html").read_bytes() == first_html


REUSED = re.compile(r"(\d+) unchanged article\(s\) taken from the cache")


def test_cached_translations_outlive_a_new_copy_of_the_memory_and_not_an_edit(tiny_model, argos_home,
                                                                             sample_site):
    """A checkout, or a CI runner, gives the memory file anew with the same bytes: the machine-translated
    article still comes from the cache. A translation corrected in the memory by hand shows up."""
    site = machine_site(sample_site)
    install(tiny_model, argos_home)
    first = run_cli("build", "--site", str(site), env=argos_home)
    assert first.returncode == 0, first.stderr
    articles = len([p for p in (site / "content" / "articles").glob("*.md") if not p.name.endswith(".en.md")])

    parts = part_files(site / "translation-memory")
    for part in parts:
        copy = site / "memory-copy.jsonl"
        copy.write_bytes(part.read_bytes())
        os.replace(copy, part)
    again = run_cli("build", "--site", str(site), env=argos_home)
    assert again.returncode == 0, again.stderr
    assert REUSED.search(again.stdout) and int(REUSED.search(again.stdout)[1]) == articles, again.stdout

    # A segment without glossary terms: its stored translation is used as it is.
    memory, index = next((part, i) for part in parts
                         for i, line in enumerate(part.read_text(encoding="utf-8").splitlines())
                         if not re.search("[A-Za-z]", json.loads(line)["s"]))
    lines = memory.read_text(encoding="utf-8").splitlines()
    corrected = {**json.loads(lines[index]), "t": "A translation corrected by hand"}
    lines[index] = json.dumps(corrected, ensure_ascii=False)
    memory.write_text("\n".join(lines) + "\n", encoding="utf-8")  # in place: the same file, edited
    edited = run_cli("build", "--site", str(site), env=argos_home)
    assert edited.returncode == 0, edited.stderr
    assert "A translation corrected by hand" in english_page(site).text_content()


def _bilingual_pairs(page) -> list[tuple[str, str]]:
    pairs = []
    for row in page.xpath("//*[@data-pair]"):
        arabic = row.xpath(".//*[@lang='ar']")
        english = row.xpath(".//*[@lang='en']")
        if arabic and english:
            pairs.append((arabic[0].text_content(), english[0].text_content()))
    return pairs


def test_kill_during_translation_leaves_memory_loadable(tiny_model, argos_home, sample_site):
    """kill -9 in the middle of translating: the memory loads, the old output is intact, a rebuild finishes."""
    site = machine_site(sample_site)
    install(tiny_model, argos_home)
    for path in (site / "content" / "articles").glob("*.en.md"):
        path.unlink()  # every article to translate: a longer run to interrupt
    config = (site / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(config.replace("batch_size: 32", "batch_size: 1"), encoding="utf-8")
    memory_path = site / "translation-memory"

    def stored_bytes() -> int:
        return sum(part.stat().st_size for part in part_files(memory_path)) if memory_path.exists() else 0

    env = {**os.environ, **ARGOS_ENV, **argos_home}
    process = subprocess.Popen([sys.executable, "-m", "generator", "build", "--site", str(site)], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and stored_bytes() < 2000:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert memory_path.exists(), "translation should have started"

    memory = TranslationMemory(memory_path)
    assert len(memory) > 0 and memory.skipped_lines <= 1
    assert not (site / "output").exists() or (site / "output" / "index.html").exists()

    finished = run_cli("build", "--site", str(site), env=argos_home)
    assert finished.returncode == 0, finished.stderr
    from_memory, translated = translation_counts(finished.stdout)
    assert from_memory >= len(memory) - 1 and translated > 0
    assert (site / "output" / "en" / "articles" / f"{MACHINE_SLUG}.html").exists()
