"""The tiny Argos package must install and translate through the real Argos/CTranslate2 path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from argos_model import ARGOS_VERSION, build_argos_model, is_latin_piece

ARABIC_TEXTS = (
    "وقعت الصين وروسيا اتفاقية جديدة للتعاون في مجال الطاقة.",
    "قال وزير الخارجية إن العلاقات بين البلدين قوية.",
    "ارتفعت أسعار النفط بعد القمة في بكين.",
    "يزور الرئيس موسكو الأسبوع المقبل.",
)
MAX_OUTPUT_TOKENS = 9

# Runs in a fresh interpreter: argostranslate reads its directories from the
# environment once, at import, and must not touch the pytest process's state.
INSTALL_AND_TRANSLATE = """
import json, sys
from pathlib import Path
import ctranslate2
import argostranslate.package as package

package.install_from_path(Path(sys.argv[1]))
installed = package.get_installed_packages()
pair = next(p for p in installed if (p.from_code, p.to_code) == ("ar", "en"))
sources = [pair.tokenizer.encode(text) for text in json.loads(sys.argv[2])]
runs = []
for _ in range(2):
    translator = ctranslate2.Translator(str(pair.package_path / "model"))
    results = translator.translate_batch(sources, beam_size=4, max_decoding_length=64)
    runs.append([result.hypotheses[0] for result in results])
print(json.dumps({
    "packages": [[p.from_code, p.to_code, p.from_name, p.to_name, p.type] for p in installed],
    "sources": sources,
    "runs": runs,
    "decoded": [pair.tokenizer.decode(tokens) for tokens in runs[0]],
}))
"""


@pytest.fixture(scope="module")
def package_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_argos_model(
        tmp_path_factory.mktemp("model") / "ar_en.argosmodel",
        ARABIC_TEXTS,
        max_output_tokens=MAX_OUTPUT_TOKENS,
    )


def test_build_is_reproducible_byte_for_byte(tmp_path: Path) -> None:
    started = time.perf_counter()
    first = build_argos_model(tmp_path / "first.argosmodel", ARABIC_TEXTS)
    print(f"build: {time.perf_counter() - started:.2f} s, {first.stat().st_size} bytes")
    second = build_argos_model(tmp_path / "second.argosmodel", ARABIC_TEXTS)
    reseeded = build_argos_model(tmp_path / "reseeded.argosmodel", ARABIC_TEXTS, seed=1)

    assert first == tmp_path / "first.argosmodel"
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != reseeded.read_bytes()


def test_zip_holds_one_package_folder_without_sentence_model(package_path: Path) -> None:
    with zipfile.ZipFile(package_path) as archive:
        names = archive.namelist()
        metadata = json.loads(archive.read("translate-ar_en-1_0/metadata.json"))

    assert {name.split("/")[0] for name in names} == {"translate-ar_en-1_0"}
    assert {name.split("/", 1)[1] for name in names} == {
        "metadata.json",
        "sentencepiece.model",
        "model/model.bin",
        "model/config.json",
        "model/shared_vocabulary.json",
    }
    assert metadata == {
        "package_version": "1.0",
        "argos_version": ARGOS_VERSION,
        "from_code": "ar",
        "from_name": "Arabic",
        "to_code": "en",
        "to_name": "English",
        "type": "translate",
    }


def test_installed_package_translates_arabic_into_bounded_latin_text(
    package_path: Path, tmp_path: Path
) -> None:
    env = dict(
        os.environ,
        ARGOS_PACKAGES_DIR=str(tmp_path / "packages"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    completed = subprocess.run(
        [sys.executable, "-c", INSTALL_AND_TRANSLATE, str(package_path), json.dumps(ARABIC_TEXTS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)

    assert report["packages"] == [["ar", "en", "Arabic", "English", "translate"]]
    for text, tokens in zip(ARABIC_TEXTS, report["sources"]):
        assert tokens and "".join(tokens).replace("\u2581", " ").strip() == text
    first_run, second_run = report["runs"]
    assert first_run == second_run
    assert all(len(hypothesis) == MAX_OUTPUT_TOKENS for hypothesis in first_run)
    for decoded in report["decoded"]:
        assert decoded.strip() and all(ch == " " or ch.isascii() and ch.isalpha() for ch in decoded)
    assert len(set(report["decoded"])) > 1, "every source got the same translation"


def test_vocabulary_without_latin_pieces_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no Latin pieces"):
        build_argos_model(tmp_path / "x.argosmodel", ARABIC_TEXTS, english=())


def test_heads_must_divide_model_width(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="divisible"):
        build_argos_model(tmp_path / "x.argosmodel", ARABIC_TEXTS, d_model=30, heads=4)


@given(st.text(alphabet=st.characters(codec="ascii", categories=["Lu", "Ll"]), min_size=1))
def test_ascii_letter_pieces_are_latin_with_or_without_word_marker(letters: str) -> None:
    assert is_latin_piece(letters)
    assert is_latin_piece("\u2581" + letters)


def has_non_ascii_letter(piece: str) -> bool:
    return any(not (ch.isascii() and ch.isalpha()) for ch in piece.lstrip("\u2581"))


@given(st.text(min_size=1).filter(has_non_ascii_letter))
def test_pieces_with_anything_but_ascii_letters_are_not_latin(piece: str) -> None:
    assert not is_latin_piece(piece)


def test_bare_word_marker_is_not_latin() -> None:
    assert not is_latin_piece("\u2581")
