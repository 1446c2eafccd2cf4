"""Arabic normalisation, tokens, stems and stop words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.arabic import (
    STOP_WORDS,
    content_terms,
    content_terms_each,
    is_arabic,
    normalize,
    stem,
    strip_invisible,
    strip_prefix,
    to_arabic_indic,
    words,
)

# Characters real Arabic news text is made of, including the ones normalize() folds or drops.
ARABIC_TEXT = st.text(
    alphabet=st.sampled_from(
        list("ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآٱىةؤئ")
        + list("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640")  # tashkeel, tatweel
        + list("٠١٢٣٤٥٦٧٨٩۰۱۹0123456789")
        + list("\u200e\u200f\u202b\u202c\u2067\u2069\u200b\u200c\u200d\ufeff")  # bidi, zero width
        + list("ﻻﷲﺓﻰ")  # presentation forms
        + list(" \n\t\xa0.,،؛؟!:«»“”\"()-")
        + list("AaBbZzßİÉé")
    ),
    max_size=80,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("أَحْمَدُ", "احمد"),  # tashkeel
    ("الرئيسُ", "الرييس"),  # hamza on yeh, damma
    ("إلى", "الي"),  # hamza below, alef maqsura
    ("آسيا", "اسيا"),  # madda
    ("ٱلله", "الله"),  # alef wasla
    ("هٰذا", "هذا"),  # superscript alef
    ("مـــدرســـة", "مدرسه"),  # tatweel, taa marbuta
    ("مؤتمر", "موتمر"),
    ("١٩٤٨ و۲۰۲۳", "1948 و2023"),
    ("\u200fموسكو\u200e \u202bبكين\u202c \u2067x\u2069", "موسكو بكين x"),
    ("زيا\u200bرة\ufeff", "زياره"),
    ("  Financial\u00a0Times \n  البريطانية ", "financial times البريطانيه"),
    ("ﻻ", "لا"),  # lam-alef ligature from a PDF
])
def test_normalize_folds_spelling_variants(raw, expected):
    assert normalize(raw) == expected


@given(st.one_of(ARABIC_TEXT, st.text()))
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@given(ARABIC_TEXT)
def test_normalize_leaves_no_marks_or_invisibles(text):
    result = normalize(text)
    assert not set(result) & set("\u064b\u064e\u0651\u0652\u0670\u0640\u200e\u200f\u200b\ufeffأإآىةؤئ٠١۱")
    assert "  " not in result and result == result.strip()


def test_words_drop_punctuation_and_keep_numbers_whole():
    assert words("قال: «الأمم المتحدة» (أ.ف.ب) — 3.5% من 1.000.000، و15 COVID-19!") == [
        "قال", "الامم", "المتحده", "ا", "ف", "ب", "3.5", "من", "1.000.000", "و", "15", "covid", "19"]


@pytest.mark.parametrize(("word", "expected"), [
    ("والرييس", "رييس"),
    ("بالصين", "صين"),
    ("للحكومه", "حكومه"),
    ("كالعاده", "عاده"),
    ("فالامر", "امر"),
    ("الصين", "صين"),
    ("وروسيا", "روسيا"),
    ("لموسكو", "موسكو"),
    ("بكين", "كين"),  # the rule is mechanical: 3 letters remain
    ("ولد", "ولد"),  # only 2 would remain
    ("بين", "بين"),
    ("الي", "الي"),  # "ال" would leave 1 letter
    ("ال", "ال"),
    ("", ""),
])
def test_strip_prefix_removes_one_proclitic_and_keeps_a_stem(word, expected):
    assert strip_prefix(word) == expected


@pytest.mark.parametrize("variants", [
    ("وزير", "الوزير", "والوزير", "ووزير", "وزيره"),
    ("الصين", "بالصين", "للصين", "وللصين", "الصيني", "الصينيه", "الصينيون", "الصينيين"),
    ("حكومه", "الحكومه", "حكومات", "والحكومات"),
    ("علاقات", "العلاقات", "علاقاتها", "والعلاقات"),
])
def test_stem_gives_word_forms_one_stem(variants):
    stems = {stem(normalize(word)) for word in variants}
    assert len(stems) == 1, stems


@pytest.mark.parametrize(("word", "expected"), [
    ("كتابهم", "كتاب"),
    ("اجتماعات", "اجتماع"),
    ("مدينه", "مدين"),  # then "ين" would leave 2 letters: stop
    ("sanctions", "sanction"),
    ("countries", "country"),
    ("news", "new"),
    ("crisis", "crisis"),
    ("3.5", "3.5"),
])
def test_stem_suffixes(word, expected):
    assert stem(word) == expected


def test_stop_words_are_normalised_and_cover_saying_verbs():
    assert {"في", "الي", "علي", "الذي", "هذه", "قال", "وقال", "اضاف", "the", "of"} <= STOP_WORDS
    assert all(normalize(word) == word for word in STOP_WORDS)
    assert len(STOP_WORDS) > 200


def test_content_terms_drop_stop_words_numbers_and_letters():
    text = "وقال الرئيس الصيني إن العلاقات مع روسيا في 2023 «الأفضل في التاريخ» و(أ.ف.ب)."
    assert content_terms(text) == ["رييس", "صين", "علاق", "روسيا", "افضل", "تاريخ"]


def test_content_terms_match_across_spellings():
    assert content_terms("الرَّئِيسُ الصِّينِيُّ") == content_terms("والرئيس الصينى")


@given(st.lists(st.one_of(ARABIC_TEXT, st.text()), max_size=8))
def test_content_terms_of_many_texts_at_once_are_those_of_each(texts):
    assert content_terms_each(texts) == [content_terms(text) for text in texts]


def test_strip_invisible_changes_nothing_else():
    assert strip_invisible("\u200fشي جين\u00a0بينغ\u200e: «أَهلاً»\u202c\u2066\u200b") == "شي جين\u00a0بينغ: «أَهلاً»"


def test_to_arabic_indic():
    assert to_arabic_indic("21 فبراير 2023، 10:45") == "٢١ فبراير ٢٠٢٣، ١٠:٤٥"


@pytest.mark.parametrize(("text", "expected"), [
    ("الرئيس الصيني شي جين بينغ", True),
    ("صحيفة Financial Times البريطانية", True),
    ("The Financial Times said", False),
    ("Xi met بوتين in Moscow", False),
    ("2023 - 10", False),
    ("", False),
])
def test_is_arabic(text, expected):
    assert is_arabic(text) is expected


ARABIC_SCRIPT_BLOCKS = ((0x0620, 0x064A), (0x066E, 0x06D3), (0x06D5, 0x06D5), (0x06EE, 0x06EF), (0x06FA, 0x06FF),
                        (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFC))


@given(st.one_of(ARABIC_TEXT, st.text()))
def test_is_arabic_counts_letters_one_by_one(text):
    """The definition, character by character: more than half of the letters are in Arabic script."""
    letters = sum(1 for char in text if char.isalnum() and not char.isdecimal())
    arabic = sum(1 for char in text if any(low <= ord(char) <= high for low, high in ARABIC_SCRIPT_BLOCKS))
    assert is_arabic(text) is (letters > 0 and 2 * arabic > letters)
