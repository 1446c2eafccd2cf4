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

from generator.config import load_config
from generator.structure import BuildFailed
from generator.translate.memory import (ModelIdentity, TranslationMemory, memory_generation, normalize_segment,
                                        segment_key)
from generator.translate.memory_files import append_lines, part_files

MODEL = ModelIdentity("translate-ar_en", "1.0", "abc123", "beam=4;max=256;lp=0.2")
OTHER = ModelIdentity("translate-ar_en", "1.1", "def456", "beam=4;max=256;lp=0.2")


def test_lookup_by_model_and_normalised_text(tmp_path):
    memory = TranslationMemory(tmp_path / "tm")
    memory.add([("قال  الكرملين\u200f", "the Kremlin said")], MODEL, "Argos Translate ar→en 1.0")
    reloaded = TranslationMemory(tmp_path / "tm")
    assert reloaded.lookup("قال الكرملين", MODEL).target == "the Kremlin said"
    assert reloaded.lookup("قال الكرملين", OTHER) is None  # another model translates again
    assert reloaded.lookup("قال الكرملين", None).label == "Argos Translate ar→en 1.0"  # no model: any entry


def test_cut_off_last_line_is_skipped_and_later_appends_stay_readable(tmp_path):
    path = tmp_path / "tm"
    memory = TranslationMemory(path)
    memory.add([("جملة أولى", "first"), ("جملة ثانية", "second")], MODEL, "label")
    for part in part_files(path):
        with open(part, "ab") as handle:
            handle.write(b'{"k": "cut", "m": "x", "t": "half a li')  # what a kill -9 mid-write leaves
    damaged = TranslationMemory(path)
    assert damaged.skipped_lines == len(part_files(path)) and len(damaged) == 2
    third = [(f"جملة رقم {n}", f"number {n}") for n in range(40)]  # enough to reach every shard
    damaged.add(third, MODEL, "label")
    again = TranslationMemory(path)
    assert again.skipped_lines == damaged.skipped_lines and len(again) == 42
    assert all(again.lookup(source, MODEL).target == target for source, target in third)


def test_parts_roll_over_before_the_size_limit_and_all_load(tmp_path):
    """No file passes the limit (GitHub warns at 50 MB; here 600 bytes), and every part is read back."""
    path, limit = tmp_path / "tm", 600
    pairs = [(f"جملة طويلة رقم {n} في الأرشيف", f"archive sentence number {n}") for n in range(200)]
    for start in range(0, len(pairs), 25):
        TranslationMemory(path, part_limit=limit).add(pairs[start:start + 25], MODEL, "label")
    parts = part_files(path)
    assert all(part.stat().st_size <= limit for part in parts)
    assert len(parts) > 16 and any(part.name.endswith("-002.jsonl") for part in parts)
    assert {part.name[0] for part in parts} == set("0123456789abcdef")  # the key's first digit picks the shard
    reloaded = TranslationMemory(path)
    assert len(reloaded) == 200 and reloaded.skipped_lines == 0
    assert all(reloaded.lookup(source, MODEL).target == target for source, target in pairs)
    lines = [line for part in parts for line in part.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 200, "each translation stored once"


def test_the_single_file_moves_into_the_folder_once(tmp_path):
    """An old memory file is moved in on loading, damaged lines left behind; a move cut short by a kill
    is finished by the next load without storing anything twice."""
    legacy, folder = tmp_path / "translation-memory.jsonl", tmp_path / "translation-memory"
    TranslationMemory(tmp_path / "old").add([("جملة أولى", "first"), ("جملة ثانية", "second")], MODEL, "label")
    old_lines = b"".join(part.read_bytes() for part in part_files(tmp_path / "old"))
    hand_made = memory_line("جملة ثالثة", k="", t="third") + "\n"  # a key edited away: still stored, in shard 0
    legacy.write_bytes(old_lines + hand_made.encode() + b'{"k": "cut", "m": "x", "t": "half a li')
    TranslationMemory(folder).add([("جملة أولى", "first")], MODEL, "label")  # as if a move was cut short

    memory = TranslationMemory(folder, legacy)
    assert memory.moved == 2 and memory.skipped_lines == 1 and not legacy.exists()
    again = TranslationMemory(folder, legacy)
    assert again.moved == 0 and len(again) == 3 and again.lookup("جملة ثانية", MODEL).target == "second"
    assert sum(len(part.read_bytes().splitlines()) for part in part_files(folder)) == 3


def test_links_are_never_followed(tmp_path):
    """Neither the folder nor a part may be a link: reading refuses it, appending never writes through it."""
    outside = tmp_path / "outside"
    TranslationMemory(outside).add([("جملة", "a sentence")], MODEL, "label")
    target = part_files(outside)[0]
    before = target.read_bytes()

    linked_folder = tmp_path / "linked"
    linked_folder.symlink_to(outside)
    with pytest.raises(BuildFailed, match="is a link, not a folder"):
        TranslationMemory(linked_folder)
    with pytest.raises(BuildFailed, match="is a link, not a folder"):
        append_lines(linked_folder, {target.name[0]: [b"{}\n"]})

    folder = tmp_path / "tm"
    folder.mkdir()
    (folder / target.name).symlink_to(target)
    with pytest.raises(BuildFailed, match="is a link, which is never followed"):
        TranslationMemory(folder)
    with pytest.raises(OSError):
        append_lines(folder, {target.name[0]: [b"{}\n"]})
    assert target.read_bytes() == before


def test_missing_folder_is_an_empty_memory(tmp_path):
    memory = TranslationMemory(tmp_path / "none")
    assert len(memory) == 0 and memory.lookup("أي شيء", MODEL) is None


def test_the_memory_keeps_its_generation_while_no_lookup_can_change(tmp_path):
    """Cached translations outlive what cannot change a lookup: the same bytes in new files (a git
    checkout, a CI runner) and, with a model, appended translations; nothing else."""
    folder, record = tmp_path / "tm", tmp_path / "cache" / "memory-seen.json"
    legacy = tmp_path / "tm.jsonl"
    TranslationMemory(folder, part_limit=10_000).add([("جملة أولى", "first")], MODEL, "label")
    (part,) = part_files(folder)

    def generation(model=MODEL):
        return memory_generation(folder, legacy, record, model and model.key)

    first, without_model = generation(), generation(None)
    assert generation() == first and generation(None) == without_model

    shutil.copy(part, tmp_path / "copy.jsonl")
    os.replace(tmp_path / "copy.jsonl", part)  # same bytes, another inode and time
    assert generation() == first and generation(None) == without_model

    with open(part, "ab") as handle:  # grown: only new segments
        handle.write(memory_line("جملة ثانية", t="second").encode() + b"\n")
    assert generation() == first
    assert generation(None) != without_model, "without a model a lookup takes the newest entry: it may change"
    TranslationMemory(folder).add([(f"جملة رقم {n}", "more") for n in range(30)], MODEL, "label")  # new parts
    assert generation() == first

    grown = part.read_bytes()
    part.write_bytes(grown[: grown.index(b"\n") + 1])  # cut back to the first file's very bytes
    cut_back = generation()
    assert cut_back != first, "translations cached while the file was longer may not hold any more"
    part.write_bytes(grown)
    assert generation() == cut_back  # grown again, from where it was cut back
    part.write_bytes(grown.replace(b"first", b"FIRST"))  # an edit, same size
    edited = generation()
    assert edited not in (first, cut_back)
    part.unlink()  # a part gone: its translations are gone
    assert generation() not in (first, cut_back, edited)

    record.write_text("{not json")  # a damaged record: the files are taken as new
    assert generation() == generation()

    def from_nothing(model):
        shutil.rmtree(folder)
        empty = generation(model)
        TranslationMemory(folder).add([("جملة", "a sentence")], MODEL, "label")
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
    path = tmp_path / "tm"
    path.mkdir()
    (path / "0-000.jsonl").write_text("\n".join([memory_line("جملة", **fields) for fields in wrong]
                                                + ["[1, 2]", '"text"', "[" * 100_000, memory_line("أخرى")]) + "\n",
                                      encoding="utf-8")
    memory = TranslationMemory(path)
    assert memory.skipped_lines == len(wrong) + 3 and len(memory) == 1
    assert memory.lookup("جملة", MODEL) is None and memory.lookup("أخرى", MODEL).target == "translated"

    site = copy_sample_site(tmp_path / "site")
    (site / NEW_ARTICLE).write_text(f"---\ntitle: {NEW_SENTENCES[0]}\ndate: 2023-06-01\n---\n{NEW_SENTENCES[1]}\n",
                                    encoding="utf-8")
    # the single file of an older site, moved into the folder: its damaged lines are skipped and told
    (site / "translation-memory.jsonl").write_text(
        "".join(memory_line(s, t=123) + "\n" for s in NEW_SENTENCES) + memory_line("أخرى") + "\n", encoding="utf-8")
    result = run_cli("build", "--site", str(site), timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert ("translation-memory: warning: skipped 2 damaged line(s) (an interrupted build) — "
            "nothing to do: those segments are translated again") in result.stderr.splitlines()
    assert ("translation-memory: info: moved 1 translation(s) from translation-memory.jsonl into "
            "translation-memory/ (files by key, none past 45 MB, so git hosts take them at any size) — "
            "commit translation-memory/ and the removal of translation-memory.jsonl") in result.stderr.splitlines()
    assert not (site / "translation-memory.jsonl").exists() and len(TranslationMemory(site / "translation-memory")) == 1
    again = run_cli("build", "--site", str(site), "--force", timeout=120)
    assert again.returncode == 0 and "moved" not in again.stderr


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


NOT_A_FILE = ("put the memory file (JSON Lines) there, or move this away and the build starts a new one; "
              "translation.memory in site.yaml names the folder")
NOT_A_FOLDER = ("put the memory folder (JSON Lines parts) there, or move this away and the build starts a new one; "
                "translation.memory in site.yaml names the folder")


@pytest.mark.parametrize("where, make, message", [
    ("translation-memory/0-000.jsonl", os.mkfifo, f"a named pipe (FIFO), not a regular file — {NOT_A_FILE}"),
    ("translation-memory/0-000.jsonl", os.mkdir, f"a folder, not a regular file — {NOT_A_FILE}"),
    ("translation-memory.jsonl", os.mkfifo, f"a named pipe (FIFO), not a regular file — {NOT_A_FILE}"),
    ("translation-memory", os.mkfifo, f"a named pipe (FIFO), not a folder — {NOT_A_FOLDER}"),
])
def test_a_memory_that_is_not_a_regular_file_stops_the_build_with_a_message(tmp_path, where, make, message):
    """A pipe hung the build for ever (open waits for a writer), a folder gave IsADirectoryError."""
    folder, legacy = tmp_path / "translation-memory", tmp_path / "translation-memory.jsonl"
    (tmp_path / where).parent.mkdir(exist_ok=True)
    make(tmp_path / where)
    with at_most(5):
        for read in (lambda: TranslationMemory(folder, legacy),
                     lambda: memory_generation(folder, legacy, tmp_path / "seen.json", None)):
            with pytest.raises(BuildFailed) as failure:
                read()
            assert str(failure.value) == f"{tmp_path / where}: error: the translation memory is {message}"

    site = copy_sample_site(tmp_path / "site")
    (site / where).parent.mkdir(exist_ok=True)
    make(site / where)
    result = run_cli("build", "--site", str(site), timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"{site / where}: error: the translation memory is {message}"]
    assert not (site / "output").exists()


@pytest.mark.parametrize("setting, folder", [(None, "translation-memory"),
                                             ("translation-memory.jsonl", "translation-memory"),
                                             ("memory/tm", "memory/tm"), ("tm/", "tm")])
def test_translation_memory_names_a_folder_and_old_file_names_still_work(tmp_path, setting, folder):
    site = copy_sample_site(tmp_path / "site")
    text = (site / "site.yaml").read_text(encoding="utf-8")
    line = "  memory: translation-memory\n"
    (site / "site.yaml").write_text(text.replace(line, f"  memory: {setting}\n" if setting else ""), encoding="utf-8")
    config = load_config(site)
    assert config.memory_path == site / folder
    assert config.legacy_memory_path == site / f"{folder}.jsonl"


@pytest.mark.parametrize("setting, problem", [("tm.txt", "'tm.txt' is no name for the memory folder"),
                                              (".jsonl", "'.jsonl' is no name for the memory folder"),
                                              ("../outside", "'../outside' points outside the site folder")])
def test_a_memory_setting_that_names_no_folder_is_refused(tmp_path, setting, problem):
    site = copy_sample_site(tmp_path / "site")
    text = (site / "site.yaml").read_text(encoding="utf-8")
    (site / "site.yaml").write_text(text.replace("memory: translation-memory", f"memory: {setting}"), encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        load_config(site)
    assert [(d.key, d.message) for d in failure.value.diagnostics] == [("translation.memory", problem)]
