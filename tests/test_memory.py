"""Translation memory: keyed by normalised text + model identity, safe against cut-off lines."""

from __future__ import annotations

import os
import shutil

from generator.translate.memory import ModelIdentity, TranslationMemory, memory_generation

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
