"""Translation memory: keyed by normalised text + model identity, safe against cut-off lines."""

from __future__ import annotations

import json
import os
import shutil
import signal
from contextlib import contextmanager
from typing import Iterator

import pytest
from conftest import copy_sample_site, run_cli

from generator.structure import BuildFailed
from generator.translate.memory import (ModelIdentity, TranslationMemory, memory_generation, normalize_segment,
                                        segment_key)

MODEL = ModelIdentity("translate-ar_en", "1.0", "abc123", "beam=4;max=256;lp=0.2")
OTHER = ModelIdentity("translate-ar_en", "1.1", "def456", "beam=4;max=256;lp=0.2")


def test_lookup_by_model_and_normalised_text(tmp_path):
    memory = TranslationMemory(tmp_path / "tm.jsonl")
    memory.add([("قال  الكرملين\u200f", "the Kremlin said")], MODEL, "Argos Translate ar→en 1.0")
    reloaded = TranslationMemory(tmp_path / "tm.jsonl")
    assert reloaded.lookup("قال الكرملين", MODEL).target == "the Kremlin said"
    assert reloaded.lookup("قال الكرملين", OTHER) is None  # another model translates again
    assert reloaded.lookup("قال الكرملين", None).label == "Argos Translate ar→en 1.0"  # no model: any entry


def test_cut_off_last_line_is_skipped_and_later_appends_stay_readable(tmp_path):
    path = tmp_path / "tm.jsonl"
    memory = TranslationMemory(path)
    memory.add([("جملة أولى", "first"), ("جملة ثانية", "second")], MODEL, "label")
    with open(path, "ab") as handle:
        handle.write(b'{"k": "cut", "m": "x", "t": "half a li')  # what a kill -9 mid-write leaves
    damaged = TranslationMemory(path)
    assert damaged.skipped_lines == 1 and len(damaged) == 2
    damaged.add([("جملة ثالثة", "third")], MODEL, "label")
    again = TranslationMemory(path)
    assert again.skipped_lines == 1 and again.lookup("جملة ثالثة", MODEL).target == "third"


def test_missing_file_is_an_empty_memory(tmp_path):
    memory = TranslationMemory(tmp_path / "none.jsonl")
    assert len(memory) == 0 and memory.lookup("أي شيء", MODEL) is None


def test_the_memory_keeps_its_generation_while_no_lookup_can_change(tmp_path):
    """Cached translations outlive what cannot change a lookup: the same bytes in a new file (a git
    checkout, a CI runner) and, with a model, appended translations; nothing else."""
    path, record = tmp_path / "tm.jsonl", tmp_path / "cache" / "memory-seen.json"
    TranslationMemory(path).add([("جملة أولى", "first")], MODEL, "label")

    def generation(model=MODEL):
        return memory_generation(path, record, model and model.key)

    first, without_model = generation(), generation(None)
    assert generation() == first and generation(None) == without_model

    shutil.copy(path, tmp_path / "copy.jsonl")
    os.replace(tmp_path / "copy.jsonl", path)  # same bytes, another inode and time
    assert generation() == first and generation(None) == without_model

    TranslationMemory(path).add([("جملة ثانية", "second")], MODEL, "label")  # grown: only new segments
    assert generation() == first
    assert generation(None) != without_model, "without a model a lookup takes the newest entry: it may change"

    grown = path.read_bytes()
    path.write_bytes(grown[: grown.index(b"\n") + 1])  # cut back to the first file's very bytes
    cut_back = generation()
    assert cut_back != first, "translations cached while the file was longer may not hold any more"
    path.write_bytes(grown)
    assert generation() == cut_back  # grown again, from where it was cut back
    path.write_bytes(grown.replace(b"first", b"FIRST"))  # an edit, same size
    edited = generation()
    assert edited not in (first, cut_back)
    path.write_bytes(grown[grown.index(b"\n") + 1:])  # shortened: the first translation is gone
    assert generation() not in (first, cut_back, edited)

    record.write_text("{not json")  # a damaged record: the file is taken as new
    assert generation() == generation()

    def from_nothing(model):
        path.unlink()
        empty = generation(model)
        TranslationMemory(path).add([("جملة", "a sentence")], MODEL, "label")
        return empty, generation(model)

    empty, started = from_nothing(MODEL)
    assert started == empty, "a model's first translations extend the empty memory the cache was made with"
    empty, started = from_nothing(None)
    assert started != empty


# --- hostile memory files: a wrong line is skipped, a file that is no file stops the build with a message ---

NEW_ARTICLE = "content/articles/2023-06-01-summit.md"
NEW_SENTENCES = ("قمة في موسكو", "عقد الجانبان اجتماعا في العاصمة.")  # its title and its one sentence


def memory_line(source: str, **fields) -> str:
    record = {"k": segment_key(source), "m": MODEL.key, "l": "label", "s": normalize_segment(source),
              "t": "translated", **fields}
    return json.dumps(record, ensure_ascii=False)


def test_lines_with_a_field_of_the_wrong_type_are_skipped_and_counted(tmp_path):
    """`"t": 123` or a list for a string reached the pages and crashed the build; such a line is skipped
    and counted, as a line cut off by an interrupted build is."""
    wrong = [{"t": 123}, {"t": ["a list"]}, {"k": [segment_key("جملة")]}, {"m": None}, {"l": {"a": 1}}, {"s": 5}]
    path = tmp_path / "tm.jsonl"
    path.write_text("\n".join([memory_line("جملة", **fields) for fields in wrong]
                              + ["[1, 2]", '"text"', "[" * 100_000, memory_line("أخرى")]) + "\n", encoding="utf-8")
    memory = TranslationMemory(path)
    assert memory.skipped_lines == len(wrong) + 3 and len(memory) == 1
    assert memory.lookup("جملة", MODEL) is None and memory.lookup("أخرى", MODEL).target == "translated"

    site = copy_sample_site(tmp_path / "site")
    (site / NEW_ARTICLE).write_text(f"---\ntitle: {NEW_SENTENCES[0]}\ndate: 2023-06-01\n---\n{NEW_SENTENCES[1]}\n",
                                    encoding="utf-8")
    (site / "translation-memory.jsonl").write_text(
        "".join(memory_line(s, t=123) + "\n" for s in NEW_SENTENCES), encoding="utf-8")
    result = run_cli("build", "--site", str(site), timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert ("translation-memory.jsonl: warning: skipped 2 damaged line(s) (an interrupted build) — "
            "nothing to do: those segments are translated again") in result.stderr.splitlines()


@contextmanager
def at_most(seconds: int) -> Iterator[None]:
    """Fail, rather than hang, should the code under test open a pipe and wait for a writer."""
    def give_up(*_):
        raise TimeoutError(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("make, kind", [(os.mkfifo, "a named pipe (FIFO)"), (os.mkdir, "a folder")])
def test_a_memory_that_is_not_a_regular_file_stops_the_build_with_a_message(tmp_path, make, kind):
    """A pipe hung the build for ever (open waits for a writer), a folder gave IsADirectoryError."""
    message = (f"the translation memory is {kind}, not a regular file — put the memory file (JSON Lines) there, "
               "or move this away and the build starts a new one; translation.memory in site.yaml names the file")
    path = tmp_path / "tm.jsonl"
    make(path)
    with at_most(5):
        for read in (lambda: TranslationMemory(path), lambda: memory_generation(path, tmp_path / "seen.json", None)):
            with pytest.raises(BuildFailed) as failure:
                read()
            assert str(failure.value) == f"{path}: error: {message}"

    site = copy_sample_site(tmp_path / "site")
    make(site / "translation-memory.jsonl")
    result = run_cli("build", "--site", str(site), timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"{site}/translation-memory.jsonl: error: {message}"]
    assert not (site / "output").exists()
