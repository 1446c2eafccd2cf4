"""Translation memory: keyed by normalised text + model identity, safe against cut-off lines."""

from __future__ import annotations

from generator.translate.memory import ModelIdentity, TranslationMemory

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
