"""Group summarized articles into stories, themes, related articles and dated briefings.

Every article's vector weighs its terms against a fixed background of written Arabic
(generator.background) rather than against the site's own articles, so it depends on that
article alone: a new article changes no other article's vector. Stories come from single-pass
event detection over those vectors (generator.stories); themes are the configured ones
(generator.themes); related articles are the most similar articles of other stories, found by
a sparse top-k neighbour search that keeps 10,000 articles within seconds and memory bounded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from .arabic import content_terms
from .background import Background, background
from .config import SiteConfig
from .digests import code_digest
from .neighbours import RELATED_MIN_SIMILARITY, Neighbour, update_neighbours
from .stories import (STORY_SUMMARY_SENTENCES, central_order, detect_stories, members_of, order_key,
                      pick_sentences)
from .structure import (ArticleRecord, Articles, Briefing, BriefingSection, Entry, SiteModel, Story,
                        SummarizedArticle)
from .themes import OTHER, ThemeScores, assign_themes

KEYWORD_TERMS = 60  # terms kept per article for similarity (see term_vectors)
TITLE_REPEATS = 2  # a headline's terms count this many times more than the body's
NAME_BOOST = 1.5  # glossary terms (people, places, bodies) say more about a story than their frequency does
NEIGHBOURS_SLACK = 12  # neighbours fetched beyond related_articles, since same-story articles are set aside
LEAD_BONUS = 0.1  # an article's first summary sentence usually states the news: a story summary prefers it


Row = tuple[tuple[str, ...], tuple[float, ...]]  # an article's kept terms, in term order, and their weights


@dataclass(frozen=True)
class Grouping:
    """What a rebuild keeps of grouping, by article: its digest and vector, its nearest articles,
    the story detection placed it in (by order key), and the stories assembled (by their articles'
    slugs and digests). Kept while `key` holds: the same code, background, glossary names and number
    of neighbours."""

    key: str = ""
    digests: Mapping[str, str] = field(default_factory=dict)
    rows: Mapping[str, Row] = field(default_factory=dict)
    neighbours: Mapping[str, tuple[Neighbour, ...]] = field(default_factory=dict)
    placements: Mapping[str, str] = field(default_factory=dict)
    stories: Mapping[tuple, Story] = field(default_factory=dict)


def group(articles: Sequence[SummarizedArticle], config: SiteConfig, workers: int = 1,
          scored: ThemeScores | None = None, weights: Background | None = None,
          names: Collection[str] = ()) -> SiteModel:
    """The site model from the articles alone (`regroup` without an earlier grouping)."""
    return regroup([ArticleRecord.of(article) for article in articles], {a.slug: a for a in articles}, config,
                   None, workers, scored, weights, names)[0]


def regroup(records: Sequence[ArticleRecord], articles: Articles, config: SiteConfig, previous: Grouping | None,
            workers: int = 1, scored: ThemeScores | None = None, weights: Background | None = None,
            names: Collection[str] = ()) -> tuple[SiteModel, Grouping]:
    """Find stories, assign themes, link related articles and build the briefings; and what a later
    build may keep of it. With the `previous` grouping only what changed is worked out again: the
    vectors of new and edited articles, story detection from the earliest of them on, their
    nearest articles and the lists they enter, the stories whose articles changed. The model is the
    one a clean grouping gives (tests/test_stories.py compares them after random edits).

    Each article is its record; the whole article (`articles`, by slug) is read only for what is
    worked out anew: the vectors of new and edited articles, the themes of articles not scored
    before, the summary terms of the stories assembled again.
    `scored` holds the theme matches of the articles an earlier build scored (the article cache
    keeps them); the others are scored here and added to it. `weights` is the background (read from
    the site's cache when not given); `names` the glossary's Arabic terms, which weigh more. The
    similarities are worked out on up to `workers` threads."""
    ordered = sorted(records, key=lambda a: a.slug)
    weights = weights or background(config.cache_dir)
    stemmed = _stemmed(names)
    slugs = [article.slug for article in ordered]
    k = max(0, min(config.related_articles + NEIGHBOURS_SLACK, len(ordered) - 1))
    key = _grouping_key(weights, stemmed, k)
    if previous is None or previous.key != key or key == "":
        previous = Grouping()
    digests = {article.slug: article.digest for article in ordered}
    fresh = {slug for slug, digest in digests.items() if previous.digests.get(slug) != digest}
    scored = scored if scored is not None else ThemeScores(config.themes)
    profiles, sentence_terms = {}, {}
    for article in ordered:  # each new or edited article read whole once, and only what grouping needs kept
        if article.slug in fresh:
            whole = articles[article.slug]
            profiles[article.slug], sentence_terms[article.slug] = whole.profile, whole.summary.terms
            scored.of(article, {article.slug: whole})

    def summary_terms(slug: str) -> tuple[tuple[str, ...], ...]:
        return sentence_terms[slug] if slug in sentence_terms else articles[slug].summary.terms

    made = iter(article_rows([profiles[slug] for slug in slugs if slug in fresh], weights, stemmed))
    rows = {slug: next(made) if slug in fresh else previous.rows[slug] for slug in slugs}
    vectors, vocabulary = matrix_of([rows[slug] for slug in slugs])

    changed = {order_key(a.meta.date, a.path) for a in ordered if a.slug in fresh and a.meta.date is not None}
    resume = {placed: story for placed, story in previous.placements.items() if placed not in changed}
    story_rows, placements = find_stories(ordered, vectors, resume)
    story_of = {slugs[i]: story for story, members in story_rows.items() for i in members}
    order = [theme.id for theme in config.themes]
    themes_of = assign_themes([scored.of(article, articles) for article in ordered], list(story_rows.values()),
                              order)

    neighbours = update_neighbours(vectors, slugs, k, previous.neighbours, fresh, workers)
    assembled = {}
    for members in story_rows.values():
        if len(members) > 1:
            made_of = (tuple(slugs[i] for i in members), tuple(digests[slugs[i]] for i in members))
            assembled[made_of] = (previous.stories.get(made_of)
                                  or assemble_story(members, ordered, summary_terms, vectors, vocabulary))
    stories = list(assembled.values())
    in_story = {slug: story.id for story in stories for slug in story.slugs}
    entries = [
        Entry(article=article, themes=themes_of[i],
              related=_related(article.slug, neighbours[article.slug], story_of, config.related_articles),
              story=in_story.get(article.slug))
        for i, article in enumerate(ordered)
    ]
    used = {t for entry in entries for t in entry.themes}
    themes = tuple(t for t in (*config.themes, OTHER) if t.id in used)
    by_slug = {entry.slug: entry for entry in entries}
    stories.sort(key=lambda story: (-_latest(story, by_slug).toordinal(), story.id))
    briefings = build_briefings(entries, stories, themes, config.briefing_period)
    newest_first = sorted(entries, key=lambda e: (e.meta.date is None, -(e.meta.date or dt.date.min).toordinal(),
                                                  e.slug))
    undated = tuple(e.slug for e in entries if e.meta.date is None)
    model = SiteModel(entries=tuple(newest_first), themes=themes, briefings=briefings, stories=tuple(stories),
                      undated=undated, articles=articles)
    return model, Grouping(key, digests, rows, neighbours, placements, assembled)


def _grouping_key(weights: Background, names: frozenset[str], neighbours: int) -> str:
    """What every kept part of a grouping depends on besides the articles; "" when the background's
    making is unknown (a table built by hand, in tests), so nothing is kept."""
    if weights.key is None:
        return ""
    made_from = "\0".join([code_digest(), weights.key, str(neighbours), *sorted(names)])
    return hashlib.sha256(made_from.encode()).hexdigest()[:32]


def _stemmed(names: Collection[str]) -> frozenset[str]:
    return frozenset(term for name in names for term in content_terms(name))


def _latest(story: Story, by_slug: dict) -> dt.date:
    return by_slug[story.slugs[-1]].meta.date


def article_rows(profiles: Sequence, weights: Background, names: frozenset[str] = frozenset()) -> list[Row]:
    """Each article as its KEYWORD_TERMS heaviest terms, L2-normalised, in term order.

    A term weighs (1 + ln count) x its background weight (rarer in Arabic at large, more telling),
    headline terms counting TITLE_REPEATS times more and glossary names NAME_BOOST more. Keeping
    only the characteristic terms drops the long tail that makes every pair of articles slightly
    similar: the similarity matrix stays sparse enough to search 10,000 articles in about a second.
    A row depends on its own article alone (ties between equal weights go to the earlier term), so
    a rebuild keeps the rows of the articles that did not change.
    """
    term_lists = [profile.title_terms * (1 + TITLE_REPEATS) + profile.body_terms for profile in profiles]
    terms = sorted({sys.intern(t) for terms in term_lists for t in terms})  # columns in term order
    column = {t: i for i, t in enumerate(terms)}
    columns = np.fromiter((column[t] for terms_ in term_lists for t in terms_), dtype=np.int64)
    rows = np.repeat(np.arange(len(term_lists)), [len(terms_) for terms_ in term_lists])
    counts = sparse.coo_matrix((np.ones(len(columns), dtype=np.float32), (rows, columns)),
                               shape=(len(term_lists), len(terms))).tocsr()  # repeated terms add up
    counts.sum_duplicates()
    idf = np.array([weights.weight(t) * (NAME_BOOST if t in names else 1.0) for t in terms], dtype=np.float64)
    matrix = counts.tocoo()
    term_weights = ((1 + np.log(matrix.data)) * idf[matrix.col]).astype(np.float32)
    order = np.lexsort((matrix.col, -term_weights, matrix.row))  # per row: heaviest first, ties by term
    rows, columns, term_weights = matrix.row[order], matrix.col[order], term_weights[order]
    keep = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left") < KEYWORD_TERMS
    rows, columns, term_weights = rows[keep], columns[keep], term_weights[keep]
    norms = np.sqrt(np.bincount(rows, weights=term_weights.astype(np.float64) ** 2, minlength=len(term_lists)))
    term_weights = (term_weights / norms[rows]).astype(np.float32)
    by_term = np.lexsort((columns, rows))
    rows, columns, term_weights = rows[by_term], columns[by_term], term_weights[by_term].tolist()
    starts = np.searchsorted(rows, np.arange(len(term_lists) + 1)).tolist()
    return [(tuple(terms[c] for c in columns[a:b].tolist()), tuple(term_weights[a:b]))
            for a, b in zip(starts, starts[1:])]


def matrix_of(rows: Sequence[Row]) -> tuple[sparse.csr_matrix, list[str]]:
    """The rows as one matrix (float32, a column per term in term order) and the term of each column.
    Every product then sums a row's terms in the same order, whichever rows it is made with."""
    vocabulary = sorted({t for terms, _ in rows for t in terms})
    column = {t: i for i, t in enumerate(vocabulary)}
    sizes = [len(terms) for terms, _ in rows]
    indptr = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
    indices = np.fromiter((column[t] for terms, _ in rows for t in terms), dtype=np.int64, count=int(indptr[-1]))
    data = np.fromiter((w for _, weights in rows for w in weights), dtype=np.float32, count=int(indptr[-1]))
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), len(vocabulary))), vocabulary


def term_vectors(profiles: Sequence, weights: Background, names: frozenset[str] = frozenset()
                 ) -> tuple[sparse.csr_matrix, list[str]]:
    """The articles' rows (`article_rows`) as one matrix, and the term of each column."""
    return matrix_of(article_rows(profiles, weights, names))


# --- stories --------------------------------------------------------------------------------------


def find_stories(ordered: Sequence[ArticleRecord], vectors: sparse.csr_matrix,
                 resume: Mapping[str, str] | None = None) -> tuple[dict[str, list[int]], dict[str, str]]:
    """The rows of each story, earliest first, keyed by its first article's order key (an undated
    article is a story of its own: detection needs a date); and the story of each dated article's
    order key, which a later build resumes from (`detect_stories`)."""
    dated = [i for i, article in enumerate(ordered) if article.meta.date is not None]
    keys = [order_key(ordered[i].meta.date, ordered[i].path) for i in dated]
    found = detect_stories(keys, [ordered[i].meta.date for i in dated], vectors[dated], resume)
    stories = {story: [dated[k] for k in rows] for story, rows in members_of(found, keys).items()}
    for i, article in enumerate(ordered):
        if article.meta.date is None:
            stories["~" + article.path] = [i]
    return stories, dict(zip(keys, found))


def assemble_story(rows: list[int], ordered: Sequence[ArticleRecord],
                   summary_terms: Callable[[str], tuple[tuple[str, ...], ...]], vectors: sparse.csr_matrix,
                   vocabulary: Sequence[str]) -> Story:
    """A story's headline (the title that best covers its articles' common terms, not a question),
    its summary (STORY_SUMMARY_SENTENCES of its articles' summary sentences, whose terms
    `summary_terms(slug)` gives, that best cover them,
    none repeating another, one per article first) and its outlets."""
    members = [ordered[i] for i in rows]
    block = vectors[rows]
    centre = np.asarray(block.sum(axis=0)).ravel()
    weight_of = {vocabulary[c]: float(centre[c]) for c in np.flatnonzero(centre)}

    def coverage(terms: Sequence[str]) -> float:
        distinct = set(terms)
        return round(sum(weight_of.get(t, 0.0) for t in distinct) / (len(distinct) ** 0.5 or 1.0), 6)

    centrality = central_order(rows, vectors)
    headline = min(range(len(members)), key=lambda k: (members[k].meta.title.rstrip().endswith(("؟", "?")),
                                                        -coverage(members[k].title_terms),
                                                        -centrality[k], k))
    candidates, places = [], []
    for k, article in enumerate(members):
        for s, terms in enumerate(summary_terms(article.slug)):
            candidates.append((coverage(terms) + (LEAD_BONUS if s == 0 else 0.0), frozenset(terms), k))
            places.append((article.slug, s))
    summary = tuple(places[c] for c in pick_sentences(candidates, STORY_SUMMARY_SENTENCES))
    outlets = tuple(dict.fromkeys(source for a in members if (source := a.meta.source)))
    return Story(id=members[0].slug, slugs=tuple(a.slug for a in members), headline=members[headline].slug,
                 summary=summary, outlets=outlets)


# --- related articles ------------------------------------------------------------------------------


def _related(slug: str, neighbours: tuple[Neighbour, ...], story_of: Mapping[str, str], k: int
             ) -> tuple[str, ...]:
    """The k most similar articles, one per story and none of the article's own story: the story page
    lists those already."""
    picked, stories = [], {story_of[slug]}
    for other, similarity in neighbours:
        if len(picked) == k or similarity < RELATED_MIN_SIMILARITY:
            break
        if story_of[other] not in stories:
            picked.append(other)
            stories.add(story_of[other])
    return tuple(picked)


# --- briefings ------------------------------------------------------------------------------------


def briefing_period(date: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """First and last day of the briefing a date belongs to: the day itself, or its Monday–Sunday week."""
    if period == "weekly":
        monday = date - dt.timedelta(days=date.weekday())
        return monday, monday + dt.timedelta(days=6)
    return date, date


def build_briefings(entries: Sequence[Entry], stories: Sequence[Story], themes: Sequence, period: str
                    ) -> tuple[Briefing, ...]:
    """One briefing per period with dated articles, newest first: the stories covered in the period,
    most outlets first (then most articles, then the latest report), then the articles of no story
    under their strongest theme, largest section first (then the site's order of themes)."""
    theme_rank = {theme.id: rank for rank, theme in enumerate(themes)}
    by_slug = {entry.slug: entry for entry in entries}
    covered: dict[tuple[dt.date, dt.date], dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    alone: dict[tuple[dt.date, dt.date], dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for story in stories:
        for slug in story.slugs:
            entry = by_slug[slug]
            covered[briefing_period(entry.meta.date, period)][story.id].append(entry)
    for entry in entries:
        if entry.meta.date is not None and entry.story is None:
            alone[briefing_period(entry.meta.date, period)][entry.themes[0]].append(entry)

    briefings = []
    for start, end in sorted(covered.keys() | alone.keys(), reverse=True):
        reports = covered[start, end]
        ranked = sorted(reports, key=lambda story_id: (
            -len({e.meta.source for e in reports[story_id]}), -len(reports[story_id]),
            -max(e.meta.date for e in reports[story_id]).toordinal(), story_id))
        sections = [BriefingSection(theme_id, tuple(e.slug for e in sorted(listed, key=_newest_first)))
                    for theme_id, listed in alone[start, end].items()]
        sections.sort(key=lambda section: (-len(section.slugs), theme_rank[section.theme_id]))
        briefings.append(Briefing(start.isoformat(), start, end, tuple(ranked), tuple(sections)))
    return tuple(briefings)


def _newest_first(entry: Entry) -> tuple:
    return -entry.meta.date.toordinal(), entry.slug
