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
from collections import defaultdict
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import chain, count

import numpy as np
from scipy import sparse

from .arabic import content_terms
from .background import Background, background
from .config import SiteConfig
from .stories import (STORY_SUMMARY_SENTENCES, central_order, detect_stories, members_of, order_key,
                      pick_sentences)
from .structure import (ArticleMeta, Briefing, BriefingSection, Entry, SiteModel, Story, SummarizedArticle)
from .themes import OTHER, ThemeScores, assign_themes

KEYWORD_TERMS = 60  # terms kept per article for similarity (see term_vectors)
TITLE_REPEATS = 2  # a headline's terms count this many times more than the body's
NAME_BOOST = 1.5  # glossary terms (people, places, bodies) say more about a story than their frequency does
NEIGHBOURS_SLACK = 12  # neighbours fetched beyond related_articles, since same-story articles are set aside
RELATED_MIN_SIMILARITY = 0.08
CHUNK_ROWS = 512  # rows of the similarity matrix worked out at once
LEAD_BONUS = 0.1  # an article's first summary sentence usually states the news: a story summary prefers it


def group(articles: Sequence[SummarizedArticle], config: SiteConfig, workers: int = 1,
          scored: ThemeScores | None = None, weights: Background | None = None,
          names: Collection[str] = ()) -> SiteModel:
    """Find stories, assign themes, link related articles and build the briefings (the similarity
    matrix on up to `workers` threads). `scored` holds the theme matches of the articles an earlier
    build scored (the article cache keeps them); the others are scored here and added to it.
    `weights` is the background (read from the site's cache when not given); `names` the glossary's
    Arabic terms, which weigh more."""
    ordered = sorted(articles, key=lambda a: a.slug)
    weights = weights or background(config.cache_dir)
    vectors, vocabulary = term_vectors([a.profile for a in ordered], weights, _stemmed(names))
    slugs = [article.slug for article in ordered]

    story_rows = find_stories(ordered, vectors)
    story_of = {i: key for key, rows in story_rows.items() for i in rows}
    scored = scored if scored is not None else ThemeScores(config.themes)
    order = [theme.id for theme in config.themes]
    themes_of = assign_themes([scored.of(article) for article in ordered], list(story_rows.values()), order)

    neighbours, similarities = nearest_neighbours(vectors, config.related_articles + NEIGHBOURS_SLACK, workers)
    stories = [assemble_story(rows, ordered, vectors, vocabulary) for rows in story_rows.values() if len(rows) > 1]
    in_story = {slug: story.id for story in stories for slug in story.slugs}
    entries = [
        Entry(article=article, themes=themes_of[i],
              related=_related(i, neighbours[i].tolist(), similarities[i].tolist(), story_of, slugs,
                               config.related_articles),
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
    return SiteModel(entries=tuple(newest_first), themes=themes, briefings=briefings, stories=tuple(stories),
                     undated=undated)


def _meta(article: SummarizedArticle) -> ArticleMeta:
    return article.translated.clean.source.meta


def _stemmed(names: Collection[str]) -> frozenset[str]:
    return frozenset(term for name in names for term in content_terms(name))


def _latest(story: Story, by_slug: dict) -> dt.date:
    return by_slug[story.slugs[-1]].meta.date


def term_vectors(profiles: Sequence, weights: Background, names: frozenset[str] = frozenset()
                 ) -> tuple[sparse.csr_matrix, list[str]]:
    """Each article as its KEYWORD_TERMS heaviest terms, L2-normalised, and the term of each column.

    A term weighs (1 + ln count) x its background weight (rarer in Arabic at large, more telling),
    headline terms counting TITLE_REPEATS times more and glossary names NAME_BOOST more. Keeping
    only the characteristic terms drops the long tail that makes every pair of articles slightly
    similar: the similarity matrix stays sparse enough to search 10,000 articles in about a second.
    """
    term_lists = [profile.title_terms * (1 + TITLE_REPEATS) + profile.body_terms for profile in profiles]
    vocabulary: defaultdict[str, int] = defaultdict(count().__next__)  # a new term gets the next column
    columns = np.fromiter(map(vocabulary.__getitem__, chain.from_iterable(term_lists)), dtype=np.int64)
    rows = np.repeat(np.arange(len(term_lists)), [len(terms) for terms in term_lists])
    counts = sparse.coo_matrix((np.ones(len(columns), dtype=np.float32), (rows, columns)),
                               shape=(len(term_lists), len(vocabulary))).tocsr()  # repeated terms add up
    counts.sum_duplicates()
    terms = list(vocabulary)
    idf = np.array([weights.weight(t) * (NAME_BOOST if t in names else 1.0) for t in terms], dtype=np.float64)
    matrix = counts.tocoo()
    term_weights = ((1 + np.log(matrix.data)) * idf[matrix.col]).astype(np.float32)
    order = np.lexsort((matrix.col, -term_weights, matrix.row))  # per row: heaviest first, ties by column
    rows, columns, term_weights = matrix.row[order], matrix.col[order], term_weights[order]
    keep = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left") < KEYWORD_TERMS
    rows, columns, term_weights = rows[keep], columns[keep], term_weights[keep]
    norms = np.sqrt(np.bincount(rows, weights=term_weights.astype(np.float64) ** 2, minlength=len(term_lists)))
    term_weights = (term_weights / norms[rows]).astype(np.float32)
    vectors = sparse.csr_matrix((term_weights, (rows, columns)), shape=counts.shape, dtype=np.float32)
    return vectors, terms


# --- stories --------------------------------------------------------------------------------------


def find_stories(ordered: Sequence[SummarizedArticle], vectors: sparse.csr_matrix) -> dict[str, list[int]]:
    """The rows of each story, earliest first, keyed by its first article's order key; an undated
    article is a story of its own (detection needs a date)."""
    dated = [i for i, article in enumerate(ordered) if _meta(article).date is not None]
    keys = [order_key(_meta(ordered[i]).date, ordered[i].translated.clean.source.path) for i in dated]
    found = detect_stories(keys, [_meta(ordered[i]).date for i in dated], vectors[dated])
    stories = {story: [dated[k] for k in rows] for story, rows in members_of(found, keys).items()}
    for i, article in enumerate(ordered):
        if _meta(article).date is None:
            stories["~" + article.translated.clean.source.path] = [i]
    return stories


def assemble_story(rows: list[int], ordered: Sequence[SummarizedArticle], vectors: sparse.csr_matrix,
                   vocabulary: Sequence[str]) -> Story:
    """A story's headline (the title that best covers its articles' common terms, not a question),
    its summary (STORY_SUMMARY_SENTENCES of its articles' summary sentences that best cover them,
    none repeating another, one per article first) and its outlets."""
    members = [ordered[i] for i in rows]
    block = vectors[rows]
    centre = np.asarray(block.sum(axis=0)).ravel()
    weight_of = {vocabulary[c]: float(centre[c]) for c in np.flatnonzero(centre)}

    def coverage(terms: Sequence[str]) -> float:
        distinct = set(terms)
        return round(sum(weight_of.get(t, 0.0) for t in distinct) / (len(distinct) ** 0.5 or 1.0), 6)

    centrality = central_order(rows, vectors)
    headline = min(range(len(members)), key=lambda k: (_meta(members[k]).title.rstrip().endswith(("؟", "?")),
                                                        -coverage(members[k].profile.title_terms),
                                                        -centrality[k], k))
    candidates, places = [], []
    for k, article in enumerate(members):
        for s, terms in enumerate(article.summary.terms):
            candidates.append((coverage(terms) + (LEAD_BONUS if s == 0 else 0.0), frozenset(terms), k))
            places.append((article.slug, s))
    summary = tuple(places[c] for c in pick_sentences(candidates, STORY_SUMMARY_SENTENCES))
    outlets = tuple(dict.fromkeys(source for a in members if (source := _meta(a).source)))
    return Story(id=members[0].slug, slugs=tuple(a.slug for a in members), headline=members[headline].slug,
                 summary=summary, outlets=outlets)


# --- related articles ------------------------------------------------------------------------------


def nearest_neighbours(vectors: sparse.csr_matrix, k: int, workers: int = 1,
                       floor: float = RELATED_MIN_SIMILARITY) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the k most similar other rows with a positive cosine of at least `floor` (indices,
    cosines), most similar first; the slots left over hold index -1 and -inf.

    Nothing reads a neighbour below the related articles' threshold, so the similarities stay sparse: CHUNK_ROWS rows at a time, only those reaching `floor` are
    sorted, with no dense block of CHUNK_ROWS x n in memory (and a tenth less time than partitioning
    dense rows at 10,000 articles: the sparse product itself is most of it). Ties go to the lower
    index, so the result does not depend on the chunks. Chunks run on up to `workers` threads
    (scipy's product and numpy's sort release the GIL), each filling its rows.
    """
    n = vectors.shape[0]
    k = max(0, min(k, n - 1))
    indices = np.full((n, k), -1, dtype=np.int64)
    similarities = np.full((n, k), -np.inf, dtype=np.float32)
    if k == 0:
        return indices, similarities
    transposed = vectors.T.tocsc()

    def fill(start: int) -> None:
        block = (vectors[start:start + CHUNK_ROWS] @ transposed).tocoo()
        keep = (block.data >= floor) & (block.col != block.row + start)
        rows, columns, values = block.row[keep], block.col[keep], block.data[keep]
        order = np.lexsort((columns, -values, rows))  # per row: most similar first, ties to the lower index
        rows, columns, values = rows[order], columns[order], values[order]
        rank = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
        top = rank < k
        indices[start + rows[top], rank[top]] = columns[top]
        similarities[start + rows[top], rank[top]] = values[top]

    with ThreadPoolExecutor(max(1, workers)) as pool:
        list(pool.map(fill, range(0, n, CHUNK_ROWS)))
    return indices, similarities


def _related(i: int, row: list[int], sims: list[float], story_of: dict[int, str], slugs: list[str],
             k: int) -> tuple[str, ...]:
    """The k most similar articles, one per story and none of article i's own story: the story page
    lists those already."""
    picked, stories = [], {story_of[i]}
    for j, similarity in zip(row, sims):
        if len(picked) == k or similarity < RELATED_MIN_SIMILARITY:
            break
        if story_of[j] not in stories:
            picked.append(slugs[j])
            stories.add(story_of[j])
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
