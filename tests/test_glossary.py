"""Glossary matching: Arabic normalisation, attached prefixes, longest match, and the fallback split."""

from __future__ import annotations

import re

from hypothesis import given, strategies as st

from generator.translate.glossary import Glossary, Term, _core, join_pieces, load_glossary, needs_translation
from generator.arabic import normalize


GLOSSARY = Glossary([
    Term(tuple(normalize("شي جين بينغ").split()), "Xi Jinping"),
    Term(tuple(normalize("بوتين").split()), "Putin"),
    Term(tuple(normalize("فلاديمير بوتين").split()), "Vladimir Putin"),
    Term(tuple(normalize("الكرملين").split()), "the Kremlin"),
    Term(tuple(normalize("موسكو").split()), "Moscow"),
])


def renderings(sentence: str) -> list[str]:
    return [m.rendering for m in GLOSSARY.find(sentence)]


def test_longest_match_wins_and_order_is_kept():
    assert renderings("التقى شي جين بينغ بالرئيس فلاديمير بوتين في موسكو.") == ["Xi Jinping", "Vladimir Putin", "Moscow"]


def test_attached_prefixes_and_article_forms():
    assert renderings("وقال الكرملين") == ["the Kremlin"]
    assert renderings("بيان للكرملين اليوم") == ["the Kremlin"]  # ل + الكرملين
    assert renderings("وبالكرملين") == ["the Kremlin"]
    assert renderings("ولموسكو دور") == ["Moscow"]
    assert renderings("وبوتين") == ["Putin"]


def test_normalisation_of_hamza_diacritics_and_tatweel():
    assert renderings("مُوسْكُو") == ["Moscow"]
    assert renderings("بوتــين") == ["Putin"]
    assert renderings("شى جين بينغ") == ["Xi Jinping"]  # alef maqsura spelling


def test_no_match_inside_other_words():
    assert renderings("موسكوفيتش") == []
    assert renderings("ابوتين") == []


def test_prefix_stays_with_the_text_before_the_term():
    sentence = "وصل الوفد إلى موسكو وقال الكرملين إنه مرحب به."
    matches = GLOSSARY.find(sentence)
    pieces = Glossary.pieces(sentence, matches)
    assert pieces == [("وصل الوفد إلى", False), ("Moscow", True), ("وقال", False), ("the Kremlin", True),
                      ("إنه مرحب به.", False)]
    assert "Moscow" in GLOSSARY.with_renderings(sentence, matches)


def test_kept_counts_each_rendering():
    matches = GLOSSARY.find("بوتين يلتقي بوتين")
    assert Glossary.kept("Putin meets Putin", matches)
    assert not Glossary.kept("Putin meets him", matches)
    assert not Glossary.kept("Putin Putin Putin", matches)


def test_join_pieces_tidies_spaces_before_punctuation():
    assert join_pieces(["He met", "Xi Jinping", " ."]) == "He met Xi Jinping."
    assert not needs_translation("CNN 2023") and needs_translation("قال")


def test_load_glossary_reports_bad_entries(tmp_path):
    path = tmp_path / "glossary.yaml"
    path.write_text("الكرملين: the Kremlin\nبوتين: [Putin]\n", encoding="utf-8")
    loaded, problems = load_glossary(path, "content/glossary.yaml", tmp_path)
    assert len(loaded.terms) == 1
    assert problems and problems[0].path == "content/glossary.yaml" and "بوتين" in problems[0].message
    path.write_text("الكرملين: the Kremlin\na: [unclosed\n", encoding="utf-8")
    _, problems = load_glossary(path, "content/glossary.yaml", tmp_path)
    assert problems[0].level == "error" and problems[0].line in (2, 3)


@given(st.text(alphabet=st.sampled_from(list("بوتين الكرملين موسكو شي جين بينغ وقال ، . «»")), max_size=80))
def test_pieces_always_carry_every_term(sentence):
    matches = GLOSSARY.find(sentence)
    pieces = Glossary.pieces(sentence, matches)
    assert [text for text, fixed in pieces if fixed] == [m.rendering for m in matches]
    starts = [m.start for m in matches]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(matches, matches[1:]))


@given(st.text(alphabet=st.sampled_from(list("ابت«»\"'.,،؟!()- 12xyZ_")), max_size=20))
def test_a_words_core_is_its_span_from_first_to_last_letter(text):
    for token in re.finditer(r"\S+", text):
        letters = [i for i in range(token.start(), token.end()) if re.match(r"[^\W\d_]", text[i])]
        expected = (letters[0], letters[-1] + 1) if letters else None
        assert _core(text, token.start(), token.end()) == expected
