"""Every package layout users meet installs, lists and translates a site through the real path:
the index's ar_en package as it is zipped, a BPE package and a package with a target prefix."""

from __future__ import annotations

import json
import re
import zipfile

import lxml.html
import pytest
from conftest import run_cli

from argos_model import LAYOUTS

MACHINE_SLUG = "2023-03-17-xi-to-visit-moscow"
LISTED = {
    "sentencepiece": ("translate-ar_en-1_0", "SentencePiece, without stanza"),
    "argos-ar_en": ("ar_en", "SentencePiece, with stanza"),
    "bpe": ("translate-ar_en-1_0", "BPE, without stanza"),
    "target-prefix": ("translate-ar_en-1_0", "SentencePiece, without stanza, target prefix __en__"),
}


def test_the_index_package_is_zipped_as_the_real_one(layout_model):
    with zipfile.ZipFile(layout_model("argos-ar_en")) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        metadata = archive.read("ar_en/metadata.json")
    assert sorted(infos) == [
        "ar_en/", "ar_en/README.md", "ar_en/metadata.json", "ar_en/model/", "ar_en/model/model.bin",
        "ar_en/model/shared_vocabulary.txt", "ar_en/sentencepiece.model", "ar_en/stanza/", "ar_en/stanza/ar/",
        "ar_en/stanza/ar/tokenize/", "ar_en/stanza/ar/tokenize/padt.pt", "ar_en/stanza/resources.json"]
    assert [name for name, info in infos.items() if info.is_dir()] == [
        "ar_en/", "ar_en/model/", "ar_en/stanza/", "ar_en/stanza/ar/", "ar_en/stanza/ar/tokenize/"]
    assert len(metadata) == 158 and metadata.endswith(b"}\n") and b'\n    "from_code": "ar",\n' in metadata
    assert list(json.loads(metadata)) == ["package_version", "argos_version", "from_code", "from_name", "to_code",
                                          "to_name"]
    with zipfile.ZipFile(layout_model("argos-ar_en")) as archive:
        vocabulary = archive.read("ar_en/model/shared_vocabulary.txt").decode().splitlines()
    assert vocabulary[:3] == ["<unk>", "<s>", "</s>"] and len(vocabulary) > 100


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_layout_installs_lists_and_translates_a_site(layout, layout_model, argos_home, sample_site):
    (sample_site / "content" / "articles" / f"{MACHINE_SLUG}.en.md").unlink()
    installed = run_cli("models", "install", "--from-file", str(layout_model(layout)), env=argos_home)
    assert installed.returncode == 0, installed.stderr
    assert "Installed Argos Translate ar→en 1.0" in installed.stdout

    listed = run_cli("models", "list", "--site", str(sample_site), env=argos_home)
    name, description = LISTED[layout]
    assert re.search(rf"^{name}  ar→en  version 1\.0  {re.escape(description)}  \S+  serves this site",
                     listed.stdout, re.M), listed.stdout

    built = run_cli("build", "--site", str(sample_site), env=argos_home)
    assert built.returncode == 0, built.stderr
    assert re.search(r"Translation: 0 segment\(s\) from memory, [1-9]\d+ translated in [\d.]+ s "
                     r"\(Argos Translate ar→en 1\.0 on cpu\)", built.stdout), built.stdout
    page = lxml.html.parse(str(sample_site / "output" / "en" / "articles" / f"{MACHINE_SLUG}.html")).getroot()
    assert "Machine translated by Argos Translate ar→en 1.0" in " ".join(page.text_content().split())
    body = " ".join(p.text_content() for p in page.xpath("//main//article//p[not(ancestor::aside)]"))
    assert re.search(r"[A-Za-z]{3,}", body)
    assert not re.search("[\u0600-\u06ff]", body), "Arabic text must not appear as English body"
    assert "__en__" not in body and "@@" not in body, "target prefixes and BPE joiners are not text"
