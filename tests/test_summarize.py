"""Extractive summaries: whole, clean Arabic sentences in reading order, with aligned English."""

from __future__ import annotations

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
from generator.summarize import has_unbalanced_quotes, is_summary_worthy, summarize, summarize_article

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


@pytest.mark.parametrize("text", GOOD)
def test_news_sentences_are_summary_worthy(text):
    assert is_summary_worthy(text, len(words(text)))


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


SENTENCE_POOL = st.sampled_from(GOOD + JUNK)


@settings(max_examples=60, deadline=None)
@given(paragraphs=st.lists(st.lists(SENTENCE_POOL, min_size=1, max_size=4), min_size=1, max_size=6),
       count=st.integers(min_value=1, max_value=5))
def test_any_article_gives_a_clean_ordered_summary(paragraphs, count):
    text = article(paragraphs)
    text = TranslatedArticle(text.clean, machine_english(text))
    summary = summarize_article(text, count)

    assert len(summary.arabic) <= count
    assert list(summary.positions) == sorted(set(summary.positions))
    assert len({normalize(s) for s in summary.arabic}) == len(summary.arabic)
    for (b, s), sentence, english in zip(summary.positions, summary.arabic, summary.english, strict=True):
        assert text.clean.blocks[b].sentences[s] == sentence
        assert sentence in GOOD
        assert english == f"EN {b}.{s}"
    if any(sentence in GOOD for paragraph in paragraphs for sentence in paragraph):
        assert summary.arabic
    assert summarize_article(text, count) == summary
