"""`python -m generator translate`: the archive into the memory ahead of a build, with the tiny real
model: killed and resumed, stopped by Ctrl+C, on Ray; the build afterwards needs no model."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ARGOS_ENV, REPO, copy_sample_site, run_cli
from test_translation import install

from generator.translate.memory import TranslationMemory
from generator.translate.memory_files import part_files

REPORT = re.compile(r"Translated (\d+) segment\(s\), (\d+) from memory, (\d+) failed, in [\d.]+ s")


def archive_site(root: Path, batch_size: int = 32) -> Path:
    """The sample site with every editor translation removed: all of it is the model's to translate."""
    site = copy_sample_site(root)
    for path in (site / "content" / "articles").glob("*.en.md"):
        path.unlink()
    config = (site / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(config.replace("batch_size: 32", f"batch_size: {batch_size}"), encoding="utf-8")
    return site


def counts(result: subprocess.CompletedProcess) -> tuple[int, int, int]:
    match = REPORT.search(result.stdout)
    assert match, result.stdout + result.stderr
    return int(match[1]), int(match[2]), int(match[3])


def stored_records(site: Path) -> tuple[list[tuple[str, str]], int]:
    """(key, model) of every readable line of the memory, and how many lines are damaged."""
    records, damaged = [], 0
    for part in part_files(site / "translation-memory"):
        for raw in part.read_bytes().splitlines():
            try:
                record = json.loads(raw)
                records.append((record["k"], record["m"]))
            except (ValueError, KeyError):
                damaged += 1
    return records, damaged


def translations(site: Path) -> dict[str, str]:
    return {json.loads(raw)["k"]: json.loads(raw)["t"] for part in part_files(site / "translation-memory")
            for raw in part.read_bytes().splitlines()}


def output_tree(site: Path) -> dict[str, bytes]:
    output = site / "output"
    return {str(p.relative_to(output)): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def start_translate(site: Path, env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "generator", "translate", "--site", str(site), *args], cwd=REPO,
                            env={**os.environ, **ARGOS_ENV, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def stop_after(process: subprocess.Popen, site: Path, lines: int, how: int) -> str:
    """Send `how` once the memory holds `lines` lines, as a kill or Ctrl+C part-way would come; the output."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if len(stored_records(site)[0]) >= lines:
            process.send_signal(how)
            break
        time.sleep(0.005)
    return process.communicate(timeout=60)[0]


@pytest.fixture
def model_home(tiny_model, argos_home) -> dict:
    install(tiny_model, argos_home)
    return argos_home


def test_killed_then_resumed_gives_the_site_of_an_uninterrupted_run_and_builds_without_a_model(
        tmp_path, model_home):
    whole = archive_site(tmp_path / "whole")
    uninterrupted = run_cli("translate", "--site", str(whole), env=model_home)
    assert uninterrupted.returncode == 0, uninterrupted.stderr
    segments, from_memory, failed = counts(uninterrupted)
    assert segments > 200 and from_memory == 0 and failed == 0
    assert not (whole / "output").exists(), "translate builds nothing"

    killed = archive_site(tmp_path / "killed", batch_size=1)  # a chunk of 4 segments at a time: many to cut
    stop_after(start_translate(killed, model_home), killed, 40, signal.SIGKILL)
    done, damaged = stored_records(killed)
    assert 40 <= len(done) < segments and damaged <= 16, "killed part-way, at most a line cut per file"

    resumed = run_cli("translate", "--site", str(killed), env=model_home)
    assert resumed.returncode == 0, resumed.stderr
    translated, from_memory, failed = counts(resumed)
    assert from_memory >= len(done) and translated + from_memory == segments and failed == 0
    records, _ = stored_records(killed)
    assert len(records) == len(set(records)) == segments, "each segment stored once"
    assert translations(killed) == translations(whole)

    # Builds: the uninterrupted run's with the model, the resumed one's with no model at all, --strict.
    with_model = run_cli("build", "--site", str(whole), env=model_home)
    assert with_model.returncode == 0, with_model.stderr
    no_model = {key: str(tmp_path / "empty-argos" / key) for key in model_home}
    strict = run_cli("build", "--site", str(killed), "--strict", env=no_model)
    assert strict.returncode == 0, strict.stdout + strict.stderr
    assert re.search(rf"Translation: {segments} segment\(s\) from memory, 0 translated", strict.stdout)
    assert "pending" not in strict.stdout + strict.stderr
    assert output_tree(killed) == output_tree(whole)


def test_ctrl_c_stops_cleanly_keeping_what_was_finished(tmp_path, model_home):
    site = archive_site(tmp_path / "site", batch_size=1)
    process = start_translate(site, model_home)
    out = stop_after(process, site, 20, signal.SIGINT)
    done, damaged = stored_records(site)
    assert process.returncode == 130 and damaged == 0, out
    assert "Stopped by Ctrl+C: what was finished is kept; run it again to go on." in out
    memory = TranslationMemory(site / "translation-memory")
    assert memory.skipped_lines == 0 and len(memory) == len(done) >= 20


def test_limit_and_articles_choose_what_is_translated(tmp_path, model_home):
    site = archive_site(tmp_path / "site")
    one = run_cli("translate", "--site", str(site), "--articles", "content/articles/2023-03-17-*", env=model_home)
    assert one.returncode == 0, one.stderr
    first, _, _ = counts(one)
    limited = run_cli("translate", "--site", str(site), "--limit", "2", "--batch-size", "8", env=model_home)
    assert limited.returncode == 0, limited.stderr
    translated, from_memory, _ = counts(limited)
    assert 0 < first and from_memory > 0 and translated > 0
    assert len(TranslationMemory(site / "translation-memory")) == first + translated


def test_without_a_model_translate_says_how_to_install_one(tmp_path, argos_home):
    result = run_cli("translate", "--site", str(archive_site(tmp_path / "site")), env=argos_home)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no ar→en model is installed; run `python -m generator models install`" in result.stderr


def test_cluster_without_ray_names_the_extra(tmp_path, argos_home):
    no_ray = tmp_path / "no-ray" / "ray"
    no_ray.mkdir(parents=True)
    (no_ray / "__init__.py").write_text("raise ImportError('Ray is not installed here')\n")
    env = {**argos_home, "PYTHONPATH": os.pathsep.join([str(no_ray.parent), str(REPO)])}
    result = run_cli("translate", "--site", str(archive_site(tmp_path / "site")), "--cluster", "local", env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == "error: --cluster needs Ray: run `pip install -e '.[cluster]'`"


def test_ray_local_cluster_fills_the_memory_as_the_local_run_does(tmp_path, model_home):
    if importlib.util.find_spec("ray") is None:  # make test installs it: on CI (CI=true) its absence fails
        message = "Ray is not installed: pip install -e '.[cluster]'"
        pytest.fail(message, pytrace=False) if os.environ.get("CI") == "true" else pytest.skip(message)
    local, on_ray = archive_site(tmp_path / "local"), archive_site(tmp_path / "ray")
    assert run_cli("translate", "--site", str(local), env=model_home).returncode == 0
    result = run_cli("translate", "--site", str(on_ray), "--cluster", "local", env=model_home, timeout=240)
    assert result.returncode == 0, result.stderr
    translated, from_memory, failed = counts(result)
    assert translated > 200 and from_memory == 0 and failed == 0
    assert translations(on_ray) == translations(local)
    records, damaged = stored_records(on_ray)
    assert len(records) == len(set(records)) == translated and damaged == 0
    for site in (local, on_ray):
        built = run_cli("build", "--site", str(site), "--strict", env=model_home)
        assert built.returncode == 0, built.stderr
        assert re.search(r"Translation: \d+ segment\(s\) from memory, 0 translated", built.stdout)
    assert output_tree(on_ray) == output_tree(local)
