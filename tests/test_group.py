"""Themes, related articles, stories and briefings from summarized articles."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import sparse

import generator.group
import generator.neighbours
from generator.arabic import content_terms
from generator.config import SiteConfig, load_config
from generator.group import briefing_period, group
from generator.neighbours import nearest_neighbours
from generator.themes import OTHER, TITLE_WEIGHT, theme_keywords, theme_scores
from generator.structure import (
    ArticleMeta,
    Block,
    CleanArticle,
    EnglishVersion,
    SourceArticle,
    SummarizedArticle,
    Theme,
    TranslatedArticle,
)
from generator.summarize import summarize

REPO = Path(__file__).resolve().parent.parent

THEMES = (
    Theme("summits", "القمم والزيارات", "Summits", ("قمة", "زيارة", "يزور", "محادثات", "لقاء", "الكرملين")),
    Theme("ukraine", "الحرب في أوكرانيا", "Ukraine", ("أوكرانيا", "الحرب", "الغزو", "زيلينسكي", "خطة سلام")),
    Theme("economy", "الاقتصاد", "Economy", ("عقوبات", "الاقتصاد", "التجارة", "الغاز", "النفط", "اليوان", "الدولار")),
    Theme("military", "التعاون العسكري", "Military", ("عسكري", "مناورات", "الدفاع", "تدريب")),
)

# slug: (date, title, sentences); two reports of one visit, four themed stories, two football
# stories no theme covers (and no story joins: they are days apart), and an undated one about floods.
ARTICLES = {
    "xi-moscow": ("2023-03-17", "الرئيس الصيني يزور موسكو للقاء بوتين", [
        "يتوجه الرئيس الصيني شي جين بينغ إلى موسكو الأسبوع المقبل في زيارة رسمية للقاء الرئيس الروسي فلاديمير بوتين.",
        "وقالت وزارة الخارجية الصينية إن الزيارة ستستمر ثلاثة أيام وستشمل محادثات موسعة بين الزعيمين.",
        "وأضاف الكرملين أن القمة ستتناول تطوير الشراكة الشاملة بين البلدين."]),
    "xi-moscow-other-outlet": ("2023-03-18", "شي جين بينغ يزور موسكو الأسبوع المقبل", [
        "أعلنت بكين أن الرئيس الصيني شي جين بينغ سيتوجه إلى موسكو الأسبوع المقبل في زيارة رسمية للقاء الرئيس "
        "الروسي فلاديمير بوتين.",
        "وذكرت وزارة الخارجية الصينية أن الزيارة ستستمر ثلاثة أيام وتشمل محادثات موسعة بين الزعيمين.",
        "وأكد الكرملين أن القمة ستبحث تطوير الشراكة الشاملة بين البلدين."]),
    "gas-sanctions": ("2023-03-17", "العقوبات الغربية تدفع روسيا نحو السوق الصينية", [
        "ارتفعت صادرات الغاز الروسي إلى الصين بعد العقوبات الغربية على موسكو.",
        "ويقول خبراء إن التجارة بين البلدين بلغت مستوى قياسيا العام الماضي بفضل النفط والغاز.",
        "وتسعى الشركات الروسية إلى استخدام اليوان بدلا من الدولار في المعاملات التجارية."]),
    "peace-plan": ("2023-03-20", "الصين تطرح خطة سلام لإنهاء الحرب في أوكرانيا", [
        "طرحت الصين خطة سلام من اثنتي عشرة نقطة لإنهاء الحرب في أوكرانيا.",
        "ورحب الرئيس الأوكراني فولوديمير زيلينسكي بالمبادرة بحذر، مطالبا بانسحاب القوات الروسية.",
        "ويرى محللون أن الغزو الروسي لأوكرانيا وضع بكين في موقف دبلوماسي صعب."]),
    "naval-drills": ("2023-03-21", "مناورات بحرية مشتركة بين الصين وروسيا", [
        "بدأت القوات البحرية الصينية والروسية مناورات عسكرية مشتركة في بحر العرب.",
        "وتشارك في المناورات سفن وطائرات، وفق بيان لوزارة الدفاع الصينية.",
        "ويأتي التدريب العسكري في إطار تعاون دفاعي متزايد بين البلدين."]),
    "clasico-result": ("2023-03-19", "ريال مدريد يفوز على برشلونة في الدوري الإسباني", [
        "فاز فريق ريال مدريد على برشلونة بهدفين مقابل هدف في مباراة مثيرة بالدوري الإسباني لكرة القدم.",
        "وسجل المهاجم البرازيلي فينيسيوس جونيور هدف الفوز في الدقيقة الأخيرة من المباراة.",
        "وبهذا الفوز يقلص ريال مدريد الفارق مع برشلونة في صدارة ترتيب الدوري."]),
    "clasico-cup": ("2023-03-30", "برشلونة يستعد لمواجهة ريال مدريد في كأس الملك", [
        "يستعد فريق برشلونة لمواجهة ريال مدريد في نصف نهائي كأس ملك إسبانيا لكرة القدم.",
        "ويأمل مدرب برشلونة تشافي في تعويض الخسارة الأخيرة أمام ريال مدريد في الدوري الإسباني.",
        "وتقام المباراة على ملعب كامب نو وسط توقعات بحضور جماهيري كبير."]),
    "floods": (None, "فيضانات تغمر قرى في جنوب البلاد", [
        "غمرت مياه الفيضانات عشرات القرى في جنوب البلاد بعد أمطار غزيرة استمرت ثلاثة أيام.",
        "وأعلنت السلطات المحلية إجلاء آلاف السكان إلى مراكز إيواء مؤقتة.",
        "وتتوقع الأرصاد الجوية استمرار هطول الأمطار حتى نهاية الأسبوع."]),
}


def translated(slug: str, date: str | None, title: str, sentences: list[str], themes: tuple[str, ...] = (),
               english: bool = False) -> TranslatedArticle:
    """One paragraph per sentence; with `english`, a machine translation aligned one for one."""
    blocks = tuple(Block("p", sentence, (sentence,)) for sentence in sentences)
    meta = ArticleMeta(title=title, date=dt.date.fromisoformat(date) if date else None, themes=themes)
    source = SourceArticle(f"content/articles/{slug}.md", slug, meta, "\n\n".join(sentences), 1, slug)
    version = None
    if english:
        version = EnglishVersion("machine", f"{slug} title", tuple(
            Block("p", f"{slug} sentence {i}.", (f"{slug} sentence {i}.",)) for i in range(len(sentences))),
            "Argos Translate")
    return TranslatedArticle(CleanArticle(source, blocks), version)


def summarized(slugs=None, **overrides) -> list[SummarizedArticle]:
    """The sample articles (all, or the given slugs), summarized in two sentences."""
    chosen = slugs or list(ARTICLES)
    return summarize([translated(slug, *ARTICLES[slug], **overrides.get(slug, {})) for slug in chosen], 2)


def config(tmp_path: Path, **changes) -> SiteConfig:
    return SiteConfig(root=tmp_path, themes=THEMES, **changes)


@pytest.fixture
def model(tmp_path):
    return group(summarized(), config(tmp_path))


def test_configured_themes_are_assigned_by_keywords(model):
    themes = {entry.slug: entry.themes for entry in model.entries}
    assert themes["xi-moscow"][0] == "summits"
    assert themes["xi-moscow-other-outlet"][0] == "summits"
    assert themes["gas-sanctions"][0] == "economy"
    assert themes["peace-plan"][0] == "ukraine"
    assert themes["naval-drills"][0] == "military"


def test_keyword_phrases_match_stemmed_sequences_and_titles_weigh_more():
    keywords = theme_keywords(THEMES)
    body = content_terms("وعرضت بكين خطة السلام على الطرفين.")  # "خطة سلام" with the article
    scattered = content_terms("وضعت الحكومة خطة جديدة من أجل السلام.")  # both words, not as a phrase
    assert theme_scores([], body, keywords) == {"ukraine": 1.0}
    assert theme_scores([], scattered, keywords) == {}
    title = content_terms("والعقوبات تتوسع")  # prefixed form of "عقوبات"
    assert theme_scores(title, [], keywords) == {"economy": TITLE_WEIGHT}


def test_an_article_can_have_several_themes_strongest_first(tmp_path):
    sentences = [
        "فرضت الدول الغربية عقوبات جديدة على قطاع الغاز والنفط الروسي.",
        "وتراجعت التجارة مع أوروبا وارتفع الاعتماد على اليوان الصيني بدلا من الدولار.",
        "ويرى خبراء أن الحرب في أوكرانيا تطيل أمد العقوبات على الاقتصاد الروسي.",
        "وتستمر الحرب في أوكرانيا منذ الغزو الروسي قبل عام.",
    ]
    article = summarize([translated("mixed", "2023-03-17", "عقوبات جديدة", sentences)], 2)
    entry = group(article, config(tmp_path)).entries[0]
    assert entry.themes == ("economy", "ukraine")


def test_explicit_themes_override_and_unknown_ids_are_ignored(tmp_path):
    articles = summarized(["gas-sanctions", "peace-plan"],
                          **{"gas-sanctions": {"themes": ("no-such-theme", "military")},
                             "peace-plan": {"themes": ("no-such-theme",)}})
    by_slug = group(articles, config(tmp_path)).by_slug
    assert by_slug["gas-sanctions"].themes == ("military",)
    assert by_slug["peace-plan"].themes == ("ukraine",)  # only unknown ids: assigned automatically


def test_every_article_is_kept_and_every_theme_listed(model):
    assert sorted(entry.slug for entry in model.entries) == sorted(ARTICLES)
    listed = {theme.id for theme in model.themes}
    assert all(entry.themes and set(entry.themes) <= listed for entry in model.entries)
    assert [theme.id for theme in model.themes] == ["summits", "ukraine", "economy", "military", OTHER.id]


def test_grouping_is_deterministic_whatever_the_input_order(tmp_path):
    articles = summarized()
    first = group(articles, config(tmp_path))
    again = group(articles, config(tmp_path))
    reversed_input = group(list(reversed(articles)), config(tmp_path))
    assert first == again == reversed_input


def test_same_story_from_two_outlets_is_one_story_not_related(model):
    by_slug = model.by_slug
    (story,) = model.stories
    assert story.slugs == ("xi-moscow", "xi-moscow-other-outlet") and story.id == "xi-moscow"
    assert by_slug["xi-moscow"].story == by_slug["xi-moscow-other-outlet"].story == "xi-moscow"
    assert "xi-moscow-other-outlet" not in by_slug["xi-moscow"].related
    assert by_slug["clasico-result"].story is None
    assert by_slug["clasico-result"].related[0] == "clasico-cup"
    for entry in model.entries:
        assert entry.slug not in entry.related and len(entry.related) <= 3


def test_related_lists_each_story_once(model):
    for entry in model.entries:
        stories = [model.by_slug[slug].story or slug for slug in entry.related]
        assert len(set(stories)) == len(stories)


def test_the_same_text_weeks_apart_is_not_one_story(tmp_path):
    date, title, sentences = ARTICLES["xi-moscow"]
    articles = summarize([translated("visit", date, title, sentences),
                          translated("visit-again", "2023-04-20", title, sentences)], 2)
    model = group(articles, config(tmp_path))
    assert model.stories == () and model.by_slug["visit"].story is None
    assert model.by_slug["visit"].related == ("visit-again",)


def test_briefings_list_stories_first_and_other_articles_once(model):
    assert [(b.key, b.stories) for b in model.briefings if b.stories] == [("2023-03-18", ("xi-moscow",)),
                                                                          ("2023-03-17", ("xi-moscow",))]
    singles = [slug for briefing in model.briefings for section in briefing.sections for slug in section.slugs]
    assert len(singles) == len(set(singles))
    dated = {entry.slug for entry in model.entries if entry.meta.date}
    assert set(singles) == dated - {"xi-moscow", "xi-moscow-other-outlet"}


def test_unmatched_articles_take_their_story_theme_or_other_news(tmp_path):
    articles = summarized(["xi-moscow", "xi-moscow-other-outlet", "clasico-result", "floods"])
    themed = group(articles, config(tmp_path)).by_slug
    assert themed["clasico-result"].themes == themed["floods"].themes == (OTHER.id,)
    # with no keyword of its own, a story's article takes the theme the rest of its story has
    site = SiteConfig(root=tmp_path, themes=(dataclasses.replace(THEMES[0], keywords_ar=("زلزال",)),))
    articles = summarized(["xi-moscow", "xi-moscow-other-outlet"], **{"xi-moscow": {"themes": ("summits",)}})
    by_slug = group(articles, site).by_slug
    assert by_slug["xi-moscow"].themes == by_slug["xi-moscow-other-outlet"].themes == ("summits",)


def test_sections_use_the_strongest_theme_and_are_ordered_by_weight(model):
    for briefing in model.briefings:
        counts = [len(section.slugs) for section in briefing.sections]
        assert counts == sorted(counts, reverse=True)
        for section in briefing.sections:
            assert all(model.by_slug[slug].themes[0] == section.theme_id for slug in section.slugs)


def test_daily_briefings_newest_first(model):
    keys = [briefing.key for briefing in model.briefings]
    assert keys == ["2023-03-30", "2023-03-21", "2023-03-20", "2023-03-19", "2023-03-18", "2023-03-17"]
    for briefing in model.briefings:
        assert briefing.start == briefing.end == dt.date.fromisoformat(briefing.key)
    assert model.undated == ("floods",)


def test_weekly_briefings_run_monday_to_sunday(tmp_path):
    model = group(summarized(), config(tmp_path, briefing_period="weekly"))
    assert [b.key for b in model.briefings] == ["2023-03-27", "2023-03-20", "2023-03-13"]
    for briefing in model.briefings:
        assert briefing.start.weekday() == 0 and briefing.end - briefing.start == dt.timedelta(days=6)
        for section in briefing.sections:
            for slug in section.slugs:
                assert briefing.start <= model.by_slug[slug].meta.date <= briefing.end


@pytest.mark.parametrize(("day", "period", "expected"), [
    ("2023-03-19", "weekly", ("2023-03-13", "2023-03-19")),  # a Sunday belongs to the week before
    ("2023-03-20", "weekly", ("2023-03-20", "2023-03-26")),
    ("2023-03-19", "daily", ("2023-03-19", "2023-03-19")),
])
def test_briefing_period(day, period, expected):
    start, end = briefing_period(dt.date.fromisoformat(day), period)
    assert (start.isoformat(), end.isoformat()) == expected


def test_entries_newest_first_undated_last(model):
    dates = [entry.meta.date for entry in model.entries]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)
    assert dates[-1] is None
    same_day = [entry.slug for entry in model.entries if entry.meta.date == dt.date(2023, 3, 17)]
    assert same_day == sorted(same_day)


def test_story_summary_draws_across_its_articles_and_never_repeats(tmp_path):
    overrides = {slug: {"english": True} for slug in ("xi-moscow", "xi-moscow-other-outlet")}
    articles = summarize([translated(slug, *ARTICLES[slug], **overrides[slug]) for slug in overrides], 3)
    (story,) = group(articles, config(tmp_path)).stories
    assert 2 <= len(story.summary) <= 3
    assert story.summary[0][1] == 0  # a lead sentence first
    by_slug = {a.slug: a for a in articles}
    chosen = [set(content_terms(by_slug[slug].summary.arabic[k])) for slug, k in story.summary]
    for i, a in enumerate(chosen):
        for b in chosen[i + 1:]:
            assert len(a & b) / len(a | b) < 0.5
    assert story.headline in story.slugs


def test_empty_input_gives_an_empty_model(tmp_path):
    model = group([], config(tmp_path))
    assert model.entries == model.themes == model.briefings == model.stories == model.undated == ()


def test_sample_site_themes_parse_and_match_their_own_keywords():
    site = load_config(REPO)
    ids = [theme.id for theme in site.themes]
    assert ids == ["summits-visits", "ukraine-war", "sanctions-economy", "military-cooperation", "us-west"]
    keywords = theme_keywords(site.themes)
    for theme in site.themes:
        assert theme.name_ar and theme.name_en and theme.keywords_ar and theme.keywords_en
        assert all(content_terms(keyword) for keyword in theme.keywords_ar)
        own = content_terms(" و".join(theme.keywords_ar))
        scores = theme_scores([], own, keywords)
        assert max(scores, key=scores.get) == theme.id


def test_sample_site_themes_sort_a_realistic_article():
    site = load_config(REPO)
    sentences = ["وصل الرئيس الصيني إلى موسكو في زيارة رسمية لعقد قمة مع نظيره الروسي.",
                 "وأجرى الزعيمان محادثات في الكرملين استمرت ساعات.",
                 "ووقع الجانبان اتفاقيات لزيادة صادرات الغاز والنفط."]
    article = summarize([translated("visit", "2023-03-21", "قمة في الكرملين", sentences)], 2)
    entry = group(article, dataclasses.replace(site, root=REPO)).entries[0]
    assert entry.themes[0] == "summits-visits"


@given(st.lists(st.lists(st.integers(0, 6), max_size=4), min_size=2, max_size=12), st.integers(1, 5),
       st.integers(1, 4), st.integers(1, 3), st.sampled_from([0.0, 0.5, 1.0, 2.0]))
def test_nearest_neighbours_are_the_most_similar_rows_whatever_the_chunks_and_threads(rows, k, chunk, workers, floor):
    """Top-k by cosine, ties to the lower index, computed chunk by chunk on threads: the same as
    sorting every other row (few distinct terms and 0/1 weights, so ties are common). Rows below
    `floor` are left out; the slots they leave hold -1."""
    dense = np.zeros((len(rows), 7), dtype=np.float32)
    for i, row in enumerate(rows):
        dense[i, row] = 1.0
    vectors = sparse.csr_matrix(dense)
    similarity = dense @ dense.T
    k = min(k, len(rows) - 1)
    expected = [sorted((j for j in range(len(rows)) if j != i and similarity[i, j] >= floor and similarity[i, j] > 0),
                       key=lambda j: (-similarity[i, j], j))[:k]
                for i in range(len(rows))]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generator.neighbours, "CHUNK_ROWS", chunk)
        indices, similarities = nearest_neighbours(vectors, k, workers, floor)
    assert indices.tolist() == [row + [-1] * (k - len(row)) for row in expected]
    assert similarities.tolist() == [[similarity[i, j] for j in row] + [-np.inf] * (k - len(row))
                                     for i, row in enumerate(expected)]
