"""Story detection on constructed articles: one event from several outlets joins, different events
that share words stay apart, the result is deterministic, and resuming gives what a clean run does."""

from __future__ import annotations

import datetime as dt
import random

import lxml.html
import pytest
from conftest import copy_sample_site
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from test_browser import SECOND_REPORT, STORY, add_second_report
from test_incremental import files

from generator.background import background
from generator.config import SiteConfig, load_config
import generator.group
from generator.group import find_stories, group, regroup, term_vectors
from generator.pipeline import BuildOptions, build
from generator.stories import detect_stories, order_key, pick_sentences
from generator.structure import ArticleMeta, ArticleRecord, Block, CleanArticle, SourceArticle, TranslatedArticle
from generator.summarize import summarize
from generator.themes import OTHER

# slug: (date, outlet, title, sentences). A port strike in Rotterdam reported by three outlets over
# two days; a strike at Antwerp's port the same days (same words, other actors); a minister's visit
# to Cairo and one to Seoul (same words again, other people and places).
ARTICLES = {
    "rotterdam-a": ("2024-02-05", "وكالة أ", "إضراب عمال ميناء روتردام يشل حركة الشحن في هولندا", [
        "بدأ عمال ميناء روتردام الهولندي إضرابا مفتوحا للمطالبة بزيادة الأجور بعد فشل المفاوضات مع شركات التشغيل.",
        "وتكدست مئات الحاويات على أرصفة روتردام بينما انتظرت السفن في عرض بحر الشمال.",
        "وقالت نقابة عمال الموانئ الهولندية إن الإضراب سيستمر حتى تستجيب الشركات لمطالب الأجور.",
    ]),
    "rotterdam-b": ("2024-02-05", "صحيفة ب", "السفن تنتظر في بحر الشمال مع استمرار إضراب روتردام", [
        "تنتظر عشرات السفن في بحر الشمال بسبب إضراب عمال ميناء روتردام الذي دخل يومه الأول.",
        "وتطالب نقابة عمال الموانئ الهولندية بزيادة الأجور بنسبة عشرة في المئة.",
        "وحذرت غرفة التجارة الهولندية من خسائر كبيرة إذا طال إضراب روتردام.",
    ]),
    "rotterdam-c": ("2024-02-06", "قناة ج", "اتفاق ينهي إضراب ميناء روتردام بعد يومين", [
        "توصلت نقابة عمال الموانئ الهولندية وشركات التشغيل في ميناء روتردام إلى اتفاق على زيادة الأجور.",
        "وبموجب الاتفاق يعود العمال إلى أرصفة روتردام صباح الغد بعد إضراب استمر يومين.",
        "وبدأت السفن التي انتظرت في بحر الشمال بالدخول إلى الميناء الهولندي.",
    ]),
    "antwerp": ("2024-02-06", "صحيفة ب", "سائقو الشاحنات في أنتويرب يحتجون على رسوم الطرق البلجيكية", [
        "أغلق سائقو الشاحنات مداخل مدينة أنتويرب البلجيكية احتجاجا على رسوم جديدة فرضتها الحكومة الفلمنكية على الطرق.",
        "وطالب اتحاد النقل البلجيكي بإلغاء الرسوم التي قال إنها تهدد شركات الشحن الصغيرة في بلجيكا.",
        "وقالت شرطة أنتويرب إن الاحتجاج سلمي وإن حركة المرور تحولت إلى طرق بديلة.",
    ]),
    "cairo-visit": ("2024-02-05", "وكالة أ", "وزير الخارجية الفرنسي يزور القاهرة لبحث الأزمة في السودان", [
        "وصل وزير الخارجية الفرنسي إلى القاهرة في زيارة رسمية يبحث خلالها الأزمة الإنسانية في السودان.",
        "ويلتقي الوزير الفرنسي نظيره المصري لمناقشة إيصال المساعدات إلى اللاجئين السودانيين.",
        "وقالت الخارجية المصرية إن المحادثات ستتناول أيضا الوضع في ليبيا.",
    ]),
    "seoul-visit": ("2024-02-06", "قناة ج", "وزير الخارجية الياباني في سيول لتوقيع اتفاق أشباه الموصلات", [
        "يوقع وزير الخارجية الياباني في سيول اليوم اتفاقا لتبادل رقائق أشباه الموصلات مع كوريا الجنوبية.",
        "وتسعى طوكيو إلى تأمين إمدادات الرقائق لمصانع السيارات اليابانية بعد أزمة نقص عالمية.",
        "ويقول محللون في بورصة طوكيو إن الاتفاق يعزز أسهم شركات الإلكترونيات الكبرى.",
    ]),
}


def translated(slug: str, date: str, outlet: str, title: str, sentences: list[str]) -> TranslatedArticle:
    blocks = tuple(Block("p", sentence, (sentence,)) for sentence in sentences)
    meta = ArticleMeta(title=title, date=dt.date.fromisoformat(date), source=outlet)
    source = SourceArticle(f"content/articles/{slug}.md", slug, meta, "\n\n".join(sentences), 1, slug)
    return TranslatedArticle(CleanArticle(source, blocks), None)


@pytest.fixture(scope="module")
def articles():
    return summarize([translated(slug, *fields) for slug, fields in ARTICLES.items()], 2)


def stories_of(model) -> set[frozenset[str]]:
    alone = {entry.slug for entry in model.entries if entry.story is None}
    return {frozenset(story.slugs) for story in model.stories} | {frozenset((slug,)) for slug in alone}


def test_one_event_from_three_outlets_over_two_days_joins_and_other_events_stay_apart(articles, tmp_path):
    model = group(articles, SiteConfig(root=tmp_path))
    assert stories_of(model) == {frozenset({"rotterdam-a", "rotterdam-b", "rotterdam-c"}), frozenset({"antwerp"}),
                                 frozenset({"cairo-visit"}), frozenset({"seoul-visit"})}
    (story,) = model.stories
    assert story.id == "rotterdam-a"  # its first article, by date then path
    assert story.outlets == ("وكالة أ", "صحيفة ب", "قناة ج")
    assert story.headline in story.slugs


def test_detection_is_deterministic_whatever_the_input_order(articles, tmp_path):
    shuffled = list(articles)
    random.Random(4).shuffle(shuffled)
    assert group(articles, SiteConfig(root=tmp_path)) == group(shuffled, SiteConfig(root=tmp_path))


def test_a_story_keeps_its_id_as_it_grows(articles, tmp_path):
    first_day = [a for a in articles if a.translated.clean.source.meta.date == dt.date(2024, 2, 5)]
    (before,) = group(first_day, SiteConfig(root=tmp_path)).stories
    (after,) = group(articles, SiteConfig(root=tmp_path)).stories
    assert before.id == after.id and set(before.slugs) < set(after.slugs)


def test_a_vector_depends_on_its_own_article_alone(articles):
    weights = background(None)
    profiles = [a.profile for a in articles]
    alone, _ = term_vectors(profiles[:1], weights)
    together, vocabulary = term_vectors(profiles, weights)
    first = dict(zip((vocabulary[c] for c in together[0].indices), together[0].data))
    _, own_vocabulary = term_vectors(profiles[:1], weights)
    assert first == dict(zip((own_vocabulary[c] for c in alone[0].indices), alone[0].data))


def test_resuming_from_a_previous_run_gives_a_clean_run(articles):
    """Adding an article at the end, or back-dated into the middle, and resuming from the stories the
    run before found gives exactly what detecting everything again gives."""
    ordered = sorted(articles, key=lambda a: a.slug)
    vectors, _ = term_vectors([a.profile for a in ordered], background(None))
    keys = [order_key(a.translated.clean.source.meta.date, a.translated.clean.source.path) for a in ordered]
    dates = [a.translated.clean.source.meta.date for a in ordered]
    clean = detect_stories(keys, dates, vectors)
    for left_out in range(len(ordered)):
        kept = [i for i in range(len(ordered)) if i != left_out]
        before = detect_stories([keys[i] for i in kept], [dates[i] for i in kept], vectors[kept])
        resumed = detect_stories(keys, dates, vectors, resume=dict(zip((keys[i] for i in kept), before)))
        assert resumed == clean


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.lists(st.integers(0, 5), min_size=1, max_size=4)),
                min_size=1, max_size=14), st.integers(0, 13))
def test_resuming_after_any_insertion_equals_detecting_again(rows, inserted):
    """Random articles (days, terms): removing one and resuming with it put back equals a clean run."""
    dense = [[0.0] * 6 for _ in rows]
    for i, (_, terms) in enumerate(rows):
        for t in terms:
            dense[i][t] = 1.0 / len(set(terms)) ** 0.5
    vectors = sparse.csr_matrix(dense)
    dates = [dt.date(2024, 1, 1) + dt.timedelta(days=day) for day, _ in rows]
    keys = [order_key(date, f"a{i:02d}") for i, date in enumerate(dates)]
    inserted %= len(rows)
    kept = [i for i in range(len(rows)) if i != inserted]
    before = detect_stories([keys[i] for i in kept], [dates[i] for i in kept], vectors[kept])
    assert detect_stories(keys, dates, vectors, resume=dict(zip((keys[i] for i in kept), before))) == \
        detect_stories(keys, dates, vectors)


def versions() -> dict[str, list]:
    """Three versions of each constructed article (the second a day later, its last sentence cut; the
    third on the same day, rewritten as the next article's event), and a late report of each event
    two days on: what random sites below are made of."""
    made = {}
    others = list(ARTICLES.values())[1:] + list(ARTICLES.values())[:1]
    for (slug, (date, outlet, title, sentences)), other in zip(ARTICLES.items(), others):
        later = (dt.date.fromisoformat(date) + dt.timedelta(days=1)).isoformat()
        late = (dt.date.fromisoformat(date) + dt.timedelta(days=2)).isoformat()
        made[slug] = [translated(slug, date, outlet, title, sentences),
                      translated(slug, later, outlet, title, sentences[:-1]),
                      translated(slug, date, outlet, other[2], other[3])]
        made[f"{slug}-late"] = [translated(f"{slug}-late", late, "مراسل", title, sentences[::-1])]
    pool = summarize([version for listed in made.values() for version in listed], 2)
    return {slug: [pool.pop(0) for _ in listed] for slug, listed in made.items()}


VERSIONS = versions()
SITE = st.dictionaries(st.sampled_from(sorted(VERSIONS)), st.integers(0, 2), min_size=1)


@settings(max_examples=40, deadline=None)
@given(sites=st.lists(SITE, min_size=2, max_size=5), slack=st.sampled_from([0, 12]))
def test_regrouping_from_the_previous_grouping_gives_a_clean_grouping(sites, slack, tmp_path_factory):
    """Random sites one after another (articles added, removed, edited, re-dated): grouping each from
    the grouping of the one before gives the model, and the lists kept for next time, that grouping it
    from nothing gives. With no slack every article has one neighbour, so lists fill and lose members."""
    config = SiteConfig(root=tmp_path_factory.mktemp("regroup"), related_articles=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generator.group, "NEIGHBOURS_SLACK", slack)
        kept = None
        for site in sites:
            articles = [VERSIONS[slug][version % len(VERSIONS[slug])] for slug, version in site.items()]
            records, whole = [ArticleRecord.of(a) for a in articles], {a.slug: a for a in articles}
            model, kept = regroup(records, whole, config, kept)
            clean_model, clean = regroup(records, whole, config, None)
            assert model == clean_model
            assert (kept.rows, kept.neighbours, kept.placements) == (clean.rows, clean.neighbours, clean.placements)


def test_undated_articles_are_stories_of_their_own(articles):
    undated = [a.__class__(a.translated.__class__(a.translated.clean.__class__(
        a.translated.clean.source.__class__(**{**a.translated.clean.source.__dict__,
                                               "meta": ArticleMeta(title=a.translated.clean.source.meta.title,
                                                                   date=None)}),
        a.translated.clean.blocks), None), a.summary, a.profile) for a in articles]
    vectors, _ = term_vectors([a.profile for a in undated], background(None))
    records = [ArticleRecord.of(a) for a in undated]
    assert all(len(rows) == 1 for rows in find_stories(records, vectors)[0].values())


def test_story_sentences_skip_repeats_and_keep_the_best_first():
    candidates = [(0.9, frozenset("abc"), 0), (0.8, frozenset("abd"), 1), (0.7, frozenset("xyz"), 2),
                  (0.6, frozenset("pq"), 3)]
    assert pick_sentences(candidates, 3) == [0, 2, 3]  # "abd" repeats two thirds of "abc"
    per_article = [(0.9, frozenset("a"), 0), (0.8, frozenset("b"), 0), (0.7, frozenset("c"), 1)]
    assert pick_sentences(per_article, 2) == [0, 2]  # the second article before the first one's second


def test_a_back_dated_report_gives_the_bytes_of_a_clean_build(sample_site, tmp_path):
    """A second report of a sample story, dated before the newest article, added after a build: the
    rebuild makes the story, its pages and its briefings, byte for byte what a clean build makes."""
    build(BuildOptions(site_dir=sample_site))
    add_second_report(sample_site)
    report = build(BuildOptions(site_dir=sample_site))
    (story,) = report.model.stories
    assert story.id == STORY and story.slugs == (STORY, SECOND_REPORT)
    clean = copy_sample_site(tmp_path / "clean")
    add_second_report(clean)
    build(BuildOptions(site_dir=clean))
    assert files(sample_site / "output") == files(clean / "output")
    for lang in ("ar", "en"):
        page = lxml.html.parse(str(sample_site / "output" / lang / "stories" / f"{STORY}.html"))
        assert page.xpath("//section[@id='story-articles']//li[@class='card']/a/@href") == [
            f"../articles/{STORY}.html", f"../articles/{SECOND_REPORT}.html"]
        article = lxml.html.parse(str(sample_site / "output" / lang / "articles" / f"{SECOND_REPORT}.html"))
        assert article.xpath("//section[@id='story']//p[@class='story-headline']/a/@href") == [
            f"../stories/{STORY}.html"]


def test_no_theme_page_has_fewer_than_three_articles_unless_configured(sample_site):
    add_second_report(sample_site)
    model = build(BuildOptions(site_dir=sample_site)).model
    configured = {theme.id for theme in load_config(sample_site).themes} | {OTHER.id}
    for theme in model.themes:
        count = sum(theme.id in entry.themes for entry in model.entries)
        assert count >= 3 or theme.id in configured, theme
