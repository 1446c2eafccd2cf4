"""Extractive summaries: whole, clean Arabic sentences in reading order, with aligned English."""

from __future__ import annotations

import random
import time
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.arabic import normalize, words
from generator.structure import (
    ArticleMeta,
    Block,
    CleanArticle,
    EnglishVersion,
    SourceArticle,
    TranslatedArticle,
)
from generator.summarize import (
    TERM_BLOCK,
    _similarity_matrix,
    has_unbalanced_quotes,
    is_summary_worthy,
    profile_article,
    strip_dateline,
    strip_english_dateline,
    summarize,
    summarize_article,
)

GOOD = [
    "يتوجه الرئيس الصيني شي جين بينغ إلى موسكو الأسبوع المقبل للقاء الرئيس فلاديمير بوتين.",
    "ستنظر العواصم الغربية إلى الزيارة على أنها عرض قوي لدعم بكين لموسكو مع احتدام الحرب في أوروبا.",
    "وقالت وزارة الخارجية الصينية إن الزيارة ستتم من يوم الاثنين إلى الأربعاء بدعوة من بوتين.",
    "وسيناقش الزعيمان تطوير علاقات الشراكة الشاملة والتعاون الاستراتيجي بين روسيا والصين.",
    "وأصدر الكرملين جدولا زمنيا للاجتماعات المخطط لها بين الزعيمين في العاصمة الروسية.",
    "ويتوقع محللون توقيع عدد من الوثائق الثنائية المهمة في مجالات الطاقة والتجارة.",
    "وتقول الصين إنها طرف محايد وتريد المساعدة في التوسط لإنهاء الصراع في أوكرانيا.",
    "وانتقدت واشنطن الزيارة معتبرة أنها تمنح موسكو غطاء دبلوماسيا في وقت حرج.",
]
JUNK = [
    "عربي بوست",  # a lone name
    "تم النشر: 2021/05/23 الساعة 22:15 بتوقيت غرينتش",  # publication stamp
    "العلم الروسي/ الأناضول",  # photo credit
    "اقرأ أيضا: الصين وروسيا توقعان اتفاقيات جديدة في موسكو",  # "read also" link
    "دبي، الإمارات العربية المتحدة (CNN)--",  # dateline alone
    "وقال المتحدث إن “اقتراح الصين يتلخص في جملة واحدة وهي الإصرار على السلام.",  # quote opened, not closed
    "وتعزيز الحوار بين جميع الأطراف المعنية بالأزمة” بحسب المتحدث الصيني.",  # quote closed, not opened
    "وأضاف الكرملين \"من المقرر أيضا تبادل وجهات النظر في سياق تعميق التعاون.",  # odd straight quotes
    "تحذيرات واشنطن من دعم بكين",  # heading-like line
    "وقال المتحدث باسم وزارة الخارجية الصينية في مؤتمر صحفي عقده في بكين اليوم:",  # announces a quote
]
NOT_NEWS = [  # questions, links to other articles and calls to the reader
    "هل شاهدت صور الزيارة التاريخية للرئيس الصيني إلى العاصمة الروسية هذا الأسبوع؟",
    "هل تعلم أن التبادل التجاري بين البلدين تضاعف خلال عشر سنوات فقط؟",
    "ما رأيك في نتائج القمة بين الزعيمين الصيني والروسي في موسكو؟",
    "فما الذي يريده الرئيس الصيني من زيارته إلى موسكو في هذا التوقيت?",
    "وتساءل محلل غربي: \"هل تغير الصين موقفها من الحرب بعد هذه الزيارة؟\"",
    "هل يتغير موقف بكين من الحرب بعد لقاء الزعيمين في موسكو.",  # a question, punctuated or not
    "اقرأ: (الصين وروسيا توقعان اتفاقيات جديدة للطاقة في موسكو)",
    "اقرأ أيضاً: الكرملين ينشر جدول اجتماعات الزعيمين في العاصمة الروسية",
    "وأكد المتحدث أن المحادثات ستستمر اقرأ أيضا: الصين وروسيا توقعان اتفاقيات جديدة في موسكو.",
    "للمزيد - الصين وروسيا: شراكة بلا حدود في مواجهة الغرب",
    "شاهد: لحظة وصول الرئيس الصيني إلى مطار موسكو واستقبال بوتين له.",
    "تابعونا على مواقع التواصل لمعرفة آخر أخبار الزيارة لحظة بلحظة.",
    "لا تفوّت تغطيتنا الخاصة للقمة الصينية الروسية في موسكو الأسبوع المقبل.",
]
NEWS_WITH_LOOKALIKES = [  # "approval", "watch" as a verb, agencies cited inside the sentence
    "وأعلن البرلمان الروسي إقرار قانون جديد لتنظيم التجارة مع الصين.",
    "ويشاهد ملايين المواطنين في البلدين وقائع القمة عبر البث المباشر.",
    "وشاهد مراسلون عشرات السيارات الرسمية تعبر الساحة الحمراء صباح اليوم.",
    "وذكرت وكالة أنباء الإمارات (وام) أن الوفد سيزور موسكو الأسبوع المقبل.",
    "ونقلت وكالة (رويترز) - عن مصدر مطلع - أن الزيارة ستستمر ثلاثة أيام.",
    "وقال وزير الخارجية إن بلاده لا تفوت فرصة لتعزيز علاقاتها مع الصين.",
    "وتستخدم حسابات رسمية وسم #الصين_روسيا لنشر صور الزيارة.",
]


def article(paragraphs: list[list[str]], kinds: list[str] | None = None,
            english: EnglishVersion | None = None) -> TranslatedArticle:
    """A translated article whose blocks hold the given sentences."""
    kinds = kinds or ["p"] * len(paragraphs)
    blocks = tuple(Block(kind, " ".join(sentences), tuple(sentences)) for kind, sentences in zip(kinds, paragraphs))
    source = SourceArticle(path="content/articles/test.md", slug="test", meta=ArticleMeta(title="عنوان", date=None),
                           body="\n\n".join(b.text for b in blocks), body_line=1, content_hash="0")
    return TranslatedArticle(CleanArticle(source, blocks), english)


def machine_english(arabic: TranslatedArticle) -> EnglishVersion:
    """Machine output mirrors the Arabic blocks and sentences one for one."""
    blocks = tuple(Block(b.kind, b.text, tuple(f"EN {i}.{j}" for j in range(len(b.sentences))))
                   for i, b in enumerate(arabic.clean.blocks))
    return EnglishVersion("machine", "Title", blocks, "Argos Translate")


def test_summary_is_whole_sentences_in_reading_order():
    text = article([GOOD[0:2], GOOD[2:5], GOOD[5:8]])
    summary = summarize_article(text, 3)

    assert len(summary.arabic) == len(summary.positions) == 3
    assert list(summary.positions) == sorted(summary.positions)
    for (b, s), sentence in zip(summary.positions, summary.arabic):
        assert text.clean.blocks[b].sentences[s] == sentence


def test_lead_keeps_its_news_without_the_dateline_in_both_languages():
    lead = "دبي، الإمارات العربية المتحدة (CNN)-- " + GOOD[0]
    text = article([[lead, GOOD[1]], GOOD[2:4]])
    english = EnglishVersion("editor", "Title", (
        Block("p", "", ("Dubai, United Arab Emirates (CNN) -- Xi goes to Moscow.", "A1.")),
        Block("p", "", ("B0.", "B1.")),
    ), "the editors")
    summary = summarize_article(TranslatedArticle(text.clean, english), 4)
    assert summary.positions[0] == (0, 0)  # where the sentence is, dateline and all
    assert summary.arabic == (GOOD[0], GOOD[1], GOOD[2], GOOD[3])
    assert summary.english == ("Xi goes to Moscow.", "A1.", "B0.", "B1.")
    assert summary.terms[0] == summarize_article(article([GOOD[:4]]), 4).terms[0]  # no "Dubai", no "CNN"


def test_dateline_with_too_little_after_it_is_no_summary_sentence():
    text = article([["لندن - رويترز: وقال المتحدث."], [GOOD[0]]])
    assert summarize_article(text, 3).arabic == (GOOD[0],)


def test_lead_sentence_is_favoured():
    summary = summarize_article(article([[sentence] for sentence in GOOD]), 2)
    assert summary.positions[0] == (0, 0)


def test_short_article_gives_all_its_sentences():
    summary = summarize_article(article([GOOD[:2]]), 3)
    assert summary.arabic == tuple(GOOD[:2])
    assert summary.positions == ((0, 0), (0, 1))


def test_boilerplate_fragments_and_broken_quotes_are_never_picked():
    paragraphs = [[junk] for junk in JUNK[:5]] + [JUNK[5:7], [GOOD[0]], [JUNK[7]], [GOOD[1]], JUNK[8:]]
    summary = summarize_article(article(paragraphs), 5)
    assert summary.arabic == (GOOD[0], GOOD[1])


def test_headings_are_not_summary_sentences():
    heading = "وأعلن الكرملين أن الزعيمين سيلتقيان في موسكو يوم الاثنين المقبل."
    text = article([[heading], [GOOD[0]], [GOOD[1]]], kinds=["h2", "p", "quote"])
    summary = summarize_article(text, 3)
    assert heading not in summary.arabic
    assert summary.positions == ((1, 0), (2, 0))


def test_list_items_and_quotes_count():
    text = article([[GOOD[0]], [GOOD[1]]], kinds=["li", "quote"])
    assert summarize_article(text, 3).arabic == (GOOD[0], GOOD[1])


def test_repeated_sentence_is_not_picked_twice():
    text = article([[GOOD[0]], [GOOD[0]], [GOOD[1]], [GOOD[2]], [GOOD[3]]])
    summary = summarize_article(text, 3)
    assert len(set(summary.arabic)) == len(summary.arabic) == 3


def test_article_without_usable_sentences_has_empty_summary():
    summary = summarize_article(article([[junk] for junk in JUNK]), 3)
    assert summary.positions == summary.arabic == summary.english == ()


def test_machine_translation_is_aligned_sentence_for_sentence():
    text = article([GOOD[0:2], GOOD[2:5], GOOD[5:8]])
    text = TranslatedArticle(text.clean, machine_english(text))
    summary = summarize_article(text, 3)
    assert summary.english == tuple(f"EN {b}.{s}" for b, s in summary.positions)


def test_pending_translation_gives_no_english():
    assert summarize_article(article([GOOD[:4]]), 2).english == ()


def test_editor_translation_with_matching_paragraphs_is_aligned_by_position():
    text = article([GOOD[0:2], GOOD[2:4]])
    english = EnglishVersion("editor", "Title", (
        Block("p", "A0. A1.", ("A0.", "A1.")),
        Block("p", "B0. B1.", ("B0.", "B1.")),
    ), "the editors")
    summary = summarize_article(TranslatedArticle(text.clean, english), 4)
    assert summary.english == ("A0.", "A1.", "B0.", "B1.")


def test_editor_translation_with_other_counts_is_mapped_proportionally():
    text = article([[GOOD[0]], [GOOD[1]], [GOOD[2]], GOOD[3:7]])  # 4 paragraphs, 7 sentences
    english = EnglishVersion("editor", "Title", (
        Block("p", "First.", ("First.",)),
        Block("p", "Second. Third. Fourth.", ("Second.", "Third.", "Fourth.")),
    ), "the editors")
    summary = summarize_article(TranslatedArticle(text.clean, english), 7)
    # sentence i of 7 -> English sentence floor((i + 0.5) * 4 / 7), moving forward inside a paragraph
    assert summary.english == ("First.", "First.", "Second.", "Third.", "Fourth.", "Fourth.", "Fourth.")


def test_editor_translation_moves_forward_within_a_shorter_paragraph():
    text = article([GOOD[0:4], [GOOD[4]]])
    english = EnglishVersion("editor", "Title", (
        Block("p", "One. Two.", ("One.", "Two.")),
        Block("p", "Three.", ("Three.",)),
    ), "the editors")
    summary = summarize_article(TranslatedArticle(text.clean, english), 5)
    assert summary.english == ("One.", "Two.", "Two.", "Two.", "Three.")


def test_summarize_keeps_order_and_count():
    first, second = article([GOOD[:3]]), article([GOOD[3:]])
    result = summarize([first, second], 2)
    assert [r.translated for r in result] == [first, second]
    assert all(len(r.summary.arabic) == 2 for r in result)


@pytest.mark.parametrize("text", JUNK)
def test_junk_is_not_summary_worthy(text):
    assert not is_summary_worthy(text, len(words(text)))


@pytest.mark.parametrize("text", NOT_NEWS)
def test_questions_links_and_calls_to_the_reader_are_not_summary_worthy(text):
    assert not is_summary_worthy(text, len(words(text)))


@pytest.mark.parametrize("text", GOOD + NEWS_WITH_LOOKALIKES)
def test_news_sentences_are_summary_worthy(text):
    assert is_summary_worthy(text, len(words(text)))


def test_a_sentence_still_opening_with_a_dateline_is_not_summary_worthy():
    dated = "باريس (أ ف ب) - " + GOOD[0]
    assert not is_summary_worthy(dated, len(words(dated)))
    assert is_summary_worthy(strip_dateline(dated), len(words(strip_dateline(dated))))


@pytest.mark.parametrize(("dated", "news"), [
    ("دبي، الإمارات العربية المتحدة (CNN)-- " + GOOD[0], GOOD[0]),
    ("هونغ كونغ (سي إن إن) " + GOOD[1], GOOD[1]),
    ("باريس (أ ف ب) - " + GOOD[2], GOOD[2]),
    ("لندن - رويترز: " + GOOD[3], GOOD[3]),
    ("القدس – (بي بي سي) " + GOOD[4], GOOD[4]),
    ("(CNN)—" + GOOD[5], GOOD[5]),
    ("دبي – العربية.نت: " + GOOD[6], GOOD[6]),
    ("دبي، الإمارات العربية المتحدة (CNN)--", "دبي، الإمارات العربية المتحدة (CNN)--"),  # nothing after it
])
def test_strip_dateline(dated, news):
    assert strip_dateline(dated) == news


@pytest.mark.parametrize(("dated", "news"), [
    ("Dubai, United Arab Emirates (CNN) -- Xi goes to Moscow.", "Xi goes to Moscow."),
    ("London - Reuters: Xi goes to Moscow.", "Xi goes to Moscow."),
    ("Jerusalem – (BBC) Xi goes to Moscow.", "Xi goes to Moscow."),
    ("Washington, D.C. (CNN)—Xi goes to Moscow.", "Xi goes to Moscow."),
    ("The agency (Reuters) said Xi goes to Moscow.", "The agency (Reuters) said Xi goes to Moscow."),
    ("According to Reuters (Reuters) Xi goes to Moscow.", "According to Reuters (Reuters) Xi goes to Moscow."),
])
def test_strip_english_dateline(dated, news):
    assert strip_english_dateline(dated) == news


ARABIC_WORDS = sorted({word.strip(".،,:") for sentence in GOOD for word in sentence.split()} - {""})
ENGLISH_WORDS = "the president will travel to moscow next week for talks with his russian counterpart".split()
AGENCIES = ["CNN", "سي إن إن", "أ ف ب", "أ.ف.ب", "رويترز", "بي بي سي", "د ب أ", "الأناضول", "وكالات"]
AFTER_AGENCY = ["--", "-- ", " -- ", "— ", "—", " – ", " - ", ": ", " "]
DASHES = [" - ", " – ", " — ", "-"]


def news(vocabulary: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(vocabulary), min_size=5, max_size=25).map(" ".join)


@st.composite
def datelines(draw, places: list[str], countries: list[str], agencies: list[str], comma: str) -> str:
    """A dateline from the templates of real pages: place, optional country, agency, dash or colon."""
    place = draw(st.sampled_from(places))
    country = draw(st.sampled_from(["", *countries]))
    place += f"{comma} {country}" if country else ""
    agency = draw(st.sampled_from(agencies))
    return draw(st.sampled_from([
        f"{place}{draw(st.sampled_from(['', ' ']))}({agency}){draw(st.sampled_from(AFTER_AGENCY))}",
        f"{place}{draw(st.sampled_from(DASHES))}({agency}){draw(st.sampled_from(AFTER_AGENCY))}",
        f"{place}{draw(st.sampled_from(DASHES))}{agency}{draw(st.sampled_from([': ', ' - ', ' — ']))}",
        f"({agency}){draw(st.sampled_from(AFTER_AGENCY))}",
    ]))


ARABIC_DATELINES = datelines(["دبي", "هونغ كونغ", "باريس", "لندن", "القدس", "نيويورك", "المنامة"],
                             ["الإمارات العربية المتحدة", "الولايات المتحدة الأمريكية", "فرنسا"], AGENCIES, "،")
ENGLISH_DATELINES = datelines(["Dubai", "Hong Kong", "PARIS", "London", "Jerusalem", "The Hague", "Washington"],
                              ["United Arab Emirates", "the United States", "France"],
                              ["CNN", "AFP", "Reuters", "BBC", "AP", "Associated Press", "Anadolu"], ",")


@settings(max_examples=300, deadline=None)
@given(dateline=ARABIC_DATELINES, sentence=news(ARABIC_WORDS), end=st.sampled_from([".", "!", "…"]))
def test_strip_dateline_keeps_exactly_the_news(dateline, sentence, end):
    sentence += end
    assert strip_dateline(dateline + sentence).split() == sentence.split()
    assert strip_dateline(sentence) == sentence
    assert strip_dateline(dateline.strip()) == dateline.strip()  # a dateline alone is left for the tests to reject


@settings(max_examples=200, deadline=None)
@given(dateline=ENGLISH_DATELINES, sentence=news(ENGLISH_WORDS))
def test_strip_english_dateline_keeps_exactly_the_news(dateline, sentence):
    sentence += "."
    assert strip_english_dateline(dateline + sentence).split() == sentence.split()
    assert strip_english_dateline(sentence) == sentence


@settings(max_examples=100, deadline=None)
@given(opening=st.sampled_from(["وذكرت وكالة", "وقالت شبكة", "ونقلت صحيفة", "وأفاد مراسل", "وقال مصدر لوكالة",
                                "وأعلن التلفزيون الرسمي نقلا عن", "وفي بيان نقلته"]),
       agency=st.sampled_from(AGENCIES), after=st.sampled_from(AFTER_AGENCY), rest=news(ARABIC_WORDS))
def test_an_agency_cited_in_a_sentence_is_no_dateline(opening, agency, after, rest):
    sentence = f"{opening} ({agency}){after}{rest}."
    assert strip_dateline(sentence) == sentence


@pytest.mark.parametrize(("text", "unbalanced"), [
    ("قال “نعم” ثم غادر.", False),
    ("قال «نعم» ثم غادر.", False),
    ('قال "نعم" ثم غادر.', False),
    ("قال “نعم ثم غادر.", True),
    ("نعم» ثم غادر.", True),
    ('قال "نعم ثم غادر.', True),
    ("اللقاء (الثاني هذا العام.", True),
])
def test_unbalanced_quotes(text, unbalanced):
    assert has_unbalanced_quotes(text) is unbalanced


DATELINED = ["دبي، الإمارات العربية المتحدة (CNN)-- " + GOOD[0], "باريس (أ ف ب) - " + GOOD[3],
             "لندن - رويترز: " + GOOD[5], "(سي إن إن) -- " + GOOD[7]]
SENTENCE_POOL = st.sampled_from(GOOD + JUNK + NOT_NEWS + DATELINED)


def dated_machine_english(arabic: TranslatedArticle) -> EnglishVersion:
    """Machine output that carries the Arabic datelines over, as Argos does."""
    blocks = tuple(Block(b.kind, b.text, tuple(
        ("Dubai, United Arab Emirates (CNN) -- " if strip_dateline(sentence) != sentence else "") + f"EN {i}.{j}"
        for j, sentence in enumerate(b.sentences))) for i, b in enumerate(arabic.clean.blocks))
    return EnglishVersion("machine", "Title", blocks, "Argos Translate")


@settings(max_examples=80, deadline=None)
@given(paragraphs=st.lists(st.lists(SENTENCE_POOL, min_size=1, max_size=4), min_size=1, max_size=6),
       count=st.integers(min_value=1, max_value=5))
def test_any_article_gives_a_clean_ordered_summary(paragraphs, count):
    text = article(paragraphs)
    text = TranslatedArticle(text.clean, dated_machine_english(text))
    summary = summarize_article(text, count)

    assert len(summary.arabic) <= count
    assert list(summary.positions) == sorted(set(summary.positions))
    assert len({normalize(s) for s in summary.arabic}) == len(summary.arabic)
    for (b, s), sentence, english in zip(summary.positions, summary.arabic, summary.english, strict=True):
        assert strip_dateline(text.clean.blocks[b].sentences[s]) == sentence
        assert sentence in GOOD  # no junk, no question or call to the reader, no dateline
        assert english == f"EN {b}.{s}"
    if any(strip_dateline(sentence) in GOOD for paragraph in paragraphs for sentence in paragraph):
        assert summary.arabic
    assert summarize_article(text, count) == summary


def huge_article(sentence_count: int) -> TranslatedArticle:
    """Thousands of short, distinct sentences over a large vocabulary: the worst case for similarities."""
    rng = random.Random(0)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    vocabulary = ["".join(rng.choices(letters, k=rng.randint(3, 4))) for _ in range(20_000)]
    sentences = [" ".join(rng.choices(vocabulary, k=5)) + "." for _ in range(sentence_count)]
    return article([sentences[i:i + 10] for i in range(0, sentence_count, 10)])


def test_a_huge_article_is_summarised_in_bounded_memory():
    text = huge_article(26_000)  # about 1 MB of text; compared all with all, 5 GiB
    started = time.perf_counter()
    tracemalloc.start()
    try:
        summary = summarize_article(text, 3)
        profile = profile_article(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20
    assert time.perf_counter() - started < 60  # seconds, under tracemalloc; about 3 on one core
    assert len(summary.arabic) == 3 and summary.positions[0] == (0, 0)
    assert 0.9 * 26_000 * 5 < len(profile.body_terms) <= 26_000 * 5  # every content word of the body


@settings(max_examples=20, deadline=None)
@given(sentences=st.lists(st.lists(st.integers(0, 3 * TERM_BLOCK), min_size=1, max_size=3000), min_size=1, max_size=8))
def test_similarities_over_many_terms_are_cosines_of_tf_idf_vectors(sentences):
    counts = np.zeros((len(sentences), 3 * TERM_BLOCK + 1))
    for row, terms in enumerate(sentences):
        np.add.at(counts[row], terms, 1)
    weights = counts * (np.log((1 + len(sentences)) / (1 + (counts > 0).sum(axis=0))) + 1)
    weights /= np.linalg.norm(weights, axis=1, keepdims=True)
    similarity = _similarity_matrix([tuple(map(str, terms)) for terms in sentences])
    assert np.allclose(similarity, weights @ weights.T, rtol=0, atol=1e-12)


def test_a_line_of_hashes_is_judged_in_linear_time():
    text = "وقال المتحدث إن الزيارة مهمة " + "#" * 200_000 + "."
    started = time.perf_counter()
    assert is_summary_worthy(text, len(words(text)))
    assert time.perf_counter() - started < 5  # quadratic, this took minutes
    assert not is_summary_worthy("#الصين #روسيا #موسكو #بوتين #شي_جين_بينغ.", 5)
