"""Group summarized articles into themes, related and duplicate links, and dated briefings.

Configured themes are matched by their Arabic keyword phrases (normalised and stemmed like the
text, so "العقوبات" finds "وعقوبات"). Articles no keyword reaches are clustered by TF-IDF
similarity into automatic themes named after their most distinctive words, so nothing ends up
in an anonymous "other". Similarities come from sparse TF-IDF and a chunked top-k neighbour
search, which keeps 10,000 articles within seconds and memory bounded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, count, repeat

import numpy as np
from scipy import sparse

from .arabic import STOP_WORDS, content_terms, content_terms_each, normalize
from .config import SiteConfig
from .structure import ArticleMeta, Briefing, Entry, SiteModel, SummarizedArticle, Theme, ThemeDigest

TITLE_WEIGHT = 3.0  # a keyword in the headline says more than one in the tenth paragraph
THEME_MIN_SCORE = 3.0
THEME_MIN_DENSITY = 1 / 150  # long articles need proportionally more hits: one per 150 content terms
THEME_RELATIVE = 0.3  # a secondary theme needs this fraction of the strongest theme's score
MAX_THEMES = 3

KEYWORD_TERMS = 60  # terms kept per article for similarity (see tfidf_vectors)
NEIGHBOURS_SLACK = 12  # neighbours fetched beyond related_articles, since duplicates are set aside
RELATED_MIN_SIMILARITY = 0.08
DUPLICATE_SIMILARITY = 0.6  # same story from two outlets (tuned on the ANT corpus, see bench/summaries.py)
DUPLICATE_DAYS = 3
CLUSTER_SIMILARITY = 0.15  # cosine an article needs with a cluster's centre to join it
CLUSTER_NEIGHBOURS = 60  # most members a single automatic theme can gather around its centre
NEIGHBOUR_FLOOR = min(RELATED_MIN_SIMILARITY, DUPLICATE_SIMILARITY, CLUSTER_SIMILARITY)  # below: never read
NAME_TERMS = 3
NAME_SAMPLE = 5  # members, closest to the centre first, whose text decides how a name's words are written
CHUNK_ROWS = 512  # rows of the similarity matrix worked out at once

DIGEST_LEAD_SENTENCES = 2  # from the most central article
DIGEST_OTHER_SENTENCES = 1  # from each further article
DIGEST_MAX_SENTENCES = 6
NEAR_IDENTICAL = 0.7  # Jaccard overlap of content terms above which a digest sentence adds nothing

ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
ARABIC_SURFACE_WORD = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u064B-\u0652\u0640]+")
ARABIC_MARKS = re.compile(r"[\u064B-\u0652\u0640]")  # vowel signs and tatweel, dropped from shown names


def group(articles: Sequence[SummarizedArticle], config: SiteConfig, workers: int = 1,
          scored: ThemeScores | None = None) -> SiteModel:
    """Assign themes, link related articles and duplicates, and build the briefings (the similarity
    matrix on up to `workers` threads). `scored` holds the configured themes of the articles an
    earlier build scored (the article cache keeps them); the others are scored here and added to it."""
    ordered = sorted(articles, key=lambda a: a.slug)
    vectors, vocabulary = tfidf_vectors([article.profile.terms for article in ordered])

    scored = scored if scored is not None else ThemeScores(config.themes)
    assignments = [scored.of(article) for article in ordered]

    neighbours, similarities = nearest_neighbours(vectors, max(config.related_articles + NEIGHBOURS_SLACK,
                                                               CLUSTER_NEIGHBOURS), workers)
    unmatched = [i for i, themes in enumerate(assignments) if not themes]
    auto = automatic_themes([ordered[i] for i in unmatched], vectors[unmatched], vocabulary,
                            *restrict_neighbours(neighbours, similarities, unmatched))
    for i, (theme_id, score) in zip(unmatched, auto.assignment):
        assignments[i] = ((theme_id, score),)

    dates = [_meta(article).date for article in ordered]
    story = duplicate_groups(neighbours, similarities, dates)
    reports = story_reports(story, dates)
    slugs = [article.slug for article in ordered]
    neighbour_lists, similarity_lists = neighbours.tolist(), similarities.tolist()
    entries = [
        Entry(article=article,
              themes=tuple(t for t, _ in assignments[i]),
              related=_related(i, neighbour_lists[i], similarity_lists[i], story, slugs, config.related_articles),
              duplicates=tuple(slugs[j] for j in reports[story[i]] if j != i))
        for i, article in enumerate(ordered)
    ]
    story_heads = {members[0] for members in reports.values()}

    used = {t for entry in entries for t in entry.themes}
    themes = tuple(t for t in config.themes if t.id in used) + auto.themes
    primary_scores = [assignment[0][1] for assignment in assignments]
    briefings = build_briefings(entries, primary_scores, vectors, story_heads, themes, config.briefing_period)
    newest_first = sorted(entries, key=lambda e: (e.meta.date is None, -(e.meta.date or dt.date.min).toordinal(),
                                                  e.slug))
    undated = tuple(e.slug for e in entries if e.meta.date is None)
    return SiteModel(entries=tuple(newest_first), themes=themes, briefings=briefings, undated=undated)


def _meta(article: SummarizedArticle) -> ArticleMeta:
    return article.translated.clean.source.meta


def tfidf_vectors(term_lists: Sequence[Sequence[str]]) -> tuple[sparse.csr_matrix, list[str]]:
    """Each article as its KEYWORD_TERMS heaviest TF-IDF terms (sublinear tf, smooth idf),
    L2-normalised, and the term of each column.

    Keeping only the characteristic terms drops the long tail that makes every pair of articles
    slightly similar: the similarity matrix stays sparse enough to search 10,000 articles in about
    a second, and neighbours and clusters on the corpus are as good as with full vectors.
    """
    vocabulary: defaultdict[str, int] = defaultdict(count().__next__)  # a new term gets the next column
    columns = np.fromiter(map(vocabulary.__getitem__, chain.from_iterable(term_lists)), dtype=np.int64)
    rows = np.repeat(np.arange(len(term_lists)), [len(terms) for terms in term_lists])
    counts = sparse.coo_matrix((np.ones(len(columns), dtype=np.float32), (rows, columns)),
                               shape=(len(term_lists), len(vocabulary))).tocsr()  # repeated terms add up
    counts.sum_duplicates()
    idf = np.log((1 + len(term_lists)) / (1 + np.bincount(counts.indices, minlength=len(vocabulary)))) + 1
    matrix = counts.tocoo()
    weights = ((1 + np.log(matrix.data)) * idf[matrix.col]).astype(np.float32)
    order = np.lexsort((matrix.col, -weights, matrix.row))  # per row: heaviest first, ties by column
    rows, columns, weights = matrix.row[order], matrix.col[order], weights[order]
    keep = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left") < KEYWORD_TERMS
    rows, columns, weights = rows[keep], columns[keep], weights[keep]
    norms = np.sqrt(np.bincount(rows, weights=weights.astype(np.float64) ** 2, minlength=len(term_lists)))
    weights = (weights / norms[rows]).astype(np.float32)
    vectors = sparse.csr_matrix((weights, (rows, columns)), shape=counts.shape, dtype=np.float32)
    return vectors, list(vocabulary)


# --- configured themes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Keywords:
    """A theme's keywords after the same analysis the article text gets: single terms and phrases."""

    terms: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]  # two or more terms, matched as a sequence


def theme_keywords(themes: Sequence[Theme]) -> dict[str, Keywords]:
    """Each theme's Arabic keywords as stemmed terms, in config order."""
    keywords = {}
    for theme in themes:
        stemmed = list(dict.fromkeys(tuple(content_terms(keyword)) for keyword in theme.keywords_ar))
        keywords[theme.id] = Keywords(terms=tuple(p[0] for p in stemmed if len(p) == 1),
                                      phrases=tuple(p for p in stemmed if len(p) > 1))
    return keywords


class ThemeScores:
    """Each article's configured themes (`configured_themes`) by article digest, for one set of theme
    keywords: an article is scored once, and the scores are kept between builds (article_cache)."""

    def __init__(self, themes: Sequence[Theme], known: dict[str, tuple[tuple[str, float], ...]] | None = None):
        self.keywords = theme_keywords(themes)
        self.known = dict(known or {})
        self.added = False  # whether any article was scored here (so the kept scores are out of date)

    def of(self, article: SummarizedArticle) -> tuple[tuple[str, float], ...]:
        found = self.known.get(article.digest)
        if found is None:
            found = self.known[article.digest] = tuple(configured_themes(article, self.keywords))
            self.added = True
        return found


def configured_themes(article: SummarizedArticle, keywords: dict[str, Keywords]) -> list[tuple[str, float]]:
    """The article's configured themes with their scores, strongest first: those its front matter names
    (that exist), else those its keywords reach; empty when neither (automatic themes take it)."""
    profile = article.profile
    scores = theme_scores(profile.title_terms, profile.body_terms, keywords)
    explicit = [t for t in dict.fromkeys(_meta(article).themes) if t in keywords]
    if explicit:
        return [(t, scores.get(t, 0.0)) for t in explicit]
    return strongest_themes(scores, len(profile.body_terms), list(keywords))


def theme_scores(title_terms: Sequence[str], body_terms: Sequence[str],
                 keywords: dict[str, Keywords]) -> dict[str, float]:
    """Keyword occurrences per theme, headline hits weighted TITLE_WEIGHT; themes without a hit left out."""
    title, body = _PhraseCounter(title_terms), _PhraseCounter(body_terms)
    scores = {}
    for theme_id, theme_keywords_ in keywords.items():
        score = TITLE_WEIGHT * title.total(theme_keywords_) + body.total(theme_keywords_)
        if score:
            scores[theme_id] = float(score)
    return scores


def strongest_themes(scores: dict[str, float], length: int, order: Sequence[str]) -> list[tuple[str, float]]:
    """Themes that pass the absolute, length-relative and best-relative thresholds, strongest first."""
    if not scores:
        return []
    floor = max(THEME_MIN_SCORE, length * THEME_MIN_DENSITY, THEME_RELATIVE * max(scores.values()))
    passing = [(t, s) for t, s in scores.items() if s >= floor]
    passing.sort(key=lambda item: (-item[1], order.index(item[0])))
    return passing[:MAX_THEMES]


class _PhraseCounter:
    """Counts (possibly overlapping) occurrences of term sequences in one text."""

    def __init__(self, terms: Sequence[str]):
        self.terms = terms
        self.unigrams = dict(Counter(terms))  # a plain dict: Counter's missing-key hook is slow

    @cached_property
    def bigrams(self) -> dict[tuple[str, str], int]:
        return dict(Counter(zip(self.terms, self.terms[1:])))

    def total(self, keywords: Keywords) -> int:
        """Occurrences of all the keywords together."""
        return sum(map(self.unigrams.get, keywords.terms, repeat(0))) + sum(map(self.count, keywords.phrases))

    def count(self, phrase: tuple[str, ...]) -> int:
        if phrase[0] not in self.unigrams or phrase[-1] not in self.unigrams:
            return 0
        pairs = self.bigrams.get(phrase[:2], 0)
        if len(phrase) == 2 or not pairs:
            return pairs
        size = len(phrase)
        return sum(1 for i in range(len(self.terms) - size + 1) if tuple(self.terms[i:i + size]) == phrase)


# --- similarity -----------------------------------------------------------------------------------


def nearest_neighbours(vectors: sparse.csr_matrix, k: int, workers: int = 1,
                       floor: float = NEIGHBOUR_FLOOR) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the k most similar other rows with a positive cosine of at least `floor` (indices,
    cosines), most similar first; the slots left over hold index -1 and -inf.

    Nothing reads a neighbour below the lowest threshold (related articles, clusters, duplicates),
    so the similarities stay sparse: CHUNK_ROWS rows at a time, only those reaching `floor` are
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


def duplicate_groups(neighbours: np.ndarray, similarities: np.ndarray, dates: Sequence[dt.date | None]) -> list[int]:
    """Story id per article: articles joined, directly or in a chain, by near-duplicate pairs."""
    parent = list(range(len(neighbours)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    nearest_is_one = (similarities[:, :1] >= DUPLICATE_SIMILARITY).any(axis=1)  # others have no duplicate
    for i in np.flatnonzero(nearest_is_one).tolist():
        for j, similarity in zip(neighbours[i].tolist(), similarities[i].tolist()):
            if similarity < DUPLICATE_SIMILARITY:
                break
            if close_in_time(dates[i], dates[j]):
                a, b = root(i), root(j)
                parent[max(a, b)] = min(a, b)
    return [root(i) for i in range(len(parent))]


def restrict_neighbours(neighbours: np.ndarray, similarities: np.ndarray,
                        rows: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The neighbour lists of `rows`, renumbered to positions within `rows`; neighbours outside
    them get index -1 and similarity -inf, so no threshold ever admits them."""
    position = np.full(len(neighbours) + 1, -1, dtype=np.int64)  # extra slot keeps index -1 at -1
    position[np.asarray(rows, dtype=np.int64)] = np.arange(len(rows))
    inner = position[neighbours[rows]] if len(rows) else np.zeros((0, neighbours.shape[1]), dtype=np.int64)
    inner_similarities = np.where(inner >= 0, similarities[rows], -np.inf) if len(rows) else similarities[:0]
    return inner, inner_similarities


def close_in_time(a: dt.date | None, b: dt.date | None) -> bool:
    """Dates close enough for two reports to be one story; a missing date does not rule it out."""
    return a is None or b is None or abs((a - b).days) <= DUPLICATE_DAYS


def story_reports(story: Sequence[int], dates: Sequence[dt.date | None]) -> dict[int, list[int]]:
    """Articles of each story, earliest first (undated last, then slug order): the first one stands for the story."""
    reports: dict[int, list[int]] = defaultdict(list)
    for i, story_id in enumerate(story):
        reports[story_id].append(i)
    for members in reports.values():
        members.sort(key=lambda j: (dates[j] is None, dates[j] or dt.date.min, j))
    return reports


def _related(i: int, row: list[int], sims: list[float], story: list[int], slugs: list[str], k: int) -> tuple[str, ...]:
    """The k most similar articles, one report per story and none of article i's own story."""
    picked, stories = [], {story[i]}
    for j, similarity in zip(row, sims):
        if len(picked) == k or similarity < RELATED_MIN_SIMILARITY:
            break
        if story[j] not in stories:
            picked.append(slugs[j])
            stories.add(story[j])
    return tuple(picked)


# --- automatic themes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _AutoThemes:
    themes: tuple[Theme, ...]
    assignment: list[tuple[str, float]]  # (theme id, similarity to the cluster centre) per clustered article


def automatic_themes(articles: Sequence[SummarizedArticle], vectors: sparse.csr_matrix, vocabulary: Sequence[str],
                     neighbours: np.ndarray, similarities: np.ndarray) -> _AutoThemes:
    """Cluster the articles no configured theme matched and name each cluster.

    Row i of `vectors`, `neighbours` and `similarities` belongs to `articles[i]`; neighbour indices
    are positions in `articles` (-1 for none).
    """
    clusters = star_clusters(neighbours, similarities)
    top_terms = [_top_terms(vectors[[i for i, _ in members]], vocabulary) for members in clusters]
    surfaces = _surface_forms(articles, clusters, top_terms)
    english_idf = _english_idf(articles)
    themes, assignment, taken = [], [("", 0.0)] * len(articles), set()
    for members, stems, shown in zip(clusters, top_terms, surfaces):
        english = _english_terms([articles[i] for i, _ in members], english_idf)
        name_en = ", ".join(english) if english else f"Topic: {shown[0]}" if shown else "Topic"
        theme_id = _auto_id(stems, [articles[i].slug for i, _ in members], taken)
        taken.add(theme_id)
        themes.append(Theme(theme_id, "، ".join(shown) or name_en, name_en, auto=True))
        for i, similarity in members:
            assignment[i] = (theme_id, similarity)
    return _AutoThemes(tuple(themes), assignment)


def star_clusters(neighbours: np.ndarray, similarities: np.ndarray,
                  threshold: float = CLUSTER_SIMILARITY) -> list[list[tuple[int, float]]]:
    """Star clustering over top-k neighbour lists: the best-connected article not yet taken becomes
    a centre and takes its untaken neighbours with cosine >= `threshold`. Every member is close to
    its centre (no chaining), and the visiting order is fixed, so the result is deterministic.

    Returns clusters as [(row, similarity to the centre)], centre first; largest clusters first.
    """
    n = len(neighbours)
    close = similarities >= threshold
    degree = close.sum(axis=1)
    strength = np.where(close, similarities, 0).sum(axis=1)
    taken = [False] * n
    clusters = []
    for centre in np.lexsort((np.arange(n), -strength, -degree)).tolist():
        if taken[centre]:
            continue
        taken[centre] = True
        members = [(centre, 1.0)]
        for j, similarity, is_close in zip(neighbours[centre].tolist(), similarities[centre].tolist(),
                                           close[centre].tolist()):
            if is_close and not taken[j]:
                taken[j] = True
                members.append((j, similarity))
        clusters.append(members)
    clusters.sort(key=lambda members: (-len(members), members[0][0]))
    return clusters


def _top_terms(rows: sparse.csr_matrix, vocabulary: Sequence[str]) -> list[str]:
    """The NAME_TERMS heaviest terms of the cluster's summed TF-IDF vector (ties: alphabetical)."""
    columns, position = np.unique(rows.indices, return_inverse=True)
    totals = np.bincount(position, weights=rows.data).round(6)  # rounded: ties resolve by term, not float noise
    return [term for _, term in heapq.nsmallest(NAME_TERMS, zip(-totals, (vocabulary[c] for c in columns)))]


def _surface_forms(articles: Sequence[SummarizedArticle], clusters: Sequence[list[tuple[int, float]]],
                   top_terms: Sequence[list[str]]) -> list[list[str]]:
    """Each cluster's name stems as the most frequent written form in its articles, so names read
    as words ("إيران"), not stems ("ايران"). Read from the NAME_SAMPLE articles closest to the centre,
    analysing each distinct word once."""
    cluster_of = {i: c for c, members in enumerate(clusters) for i, _ in members[:NAME_SAMPLE]}
    words_of = {i: ARABIC_SURFACE_WORD.findall(_meta(articles[i]).title + "\n" + "\n".join(
        b.text for b in articles[i].translated.clean.blocks)) for i in cluster_of}
    distinct = list(dict.fromkeys(word for words in words_of.values() for word in words))
    stems_of = dict(zip(distinct, content_terms_each(distinct)))
    forms: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for i, c in cluster_of.items():
        wanted = top_terms[c]
        for word in words_of[i]:
            for stem in stems_of[word]:
                if stem in wanted:
                    forms[c, stem][ARABIC_MARKS.sub("", word)] += 1
    return [[_most_common(forms[c, stem]) or stem for stem in stems] for c, stems in enumerate(top_terms)]


def _most_common(counts: Counter) -> str | None:
    """The most frequent key, ties broken alphabetically so the choice is stable."""
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0] if counts else None


def _english_text(article: SummarizedArticle) -> str:
    english = article.translated.english
    if english is None:
        return ""
    return english.title + "\n" + "\n".join(block.text for block in english.blocks)


def _english_words(text: str) -> list[str]:
    return [w for w in ENGLISH_WORD.findall(text) if len(w) > 2 and w.lower() not in STOP_WORDS]


def _english_idf(articles: Sequence[SummarizedArticle]) -> dict[str, float]:
    """Inverse document frequency of lower-cased English words over the articles to be clustered."""
    frequency = Counter()
    documents = 0
    for article in articles:
        text = _english_text(article)
        if text:
            documents += 1
            frequency.update({w.lower() for w in _english_words(text)})
    return {word: float(np.log((1 + documents) / (1 + df)) + 1) for word, df in frequency.items()}


def _english_terms(articles: Sequence[SummarizedArticle], idf: dict[str, float]) -> list[str]:
    """The cluster's most distinctive English words (frequency x idf), each in its most common casing."""
    counts: Counter = Counter()
    casing: dict[str, Counter] = defaultdict(Counter)
    for article in articles:
        for word in _english_words(_english_text(article)):
            counts[word.lower()] += 1
            casing[word.lower()][word] += 1
    ranked = sorted(counts, key=lambda w: (-counts[w] * idf[w], w))[:NAME_TERMS]
    return [_most_common(casing[w]) for w in ranked]


def _auto_id(stems: Sequence[str], slugs: Sequence[str], taken: set[str]) -> str:
    """`auto-` + a short hash of the name's stems, stable while the cluster keeps its name;
    two clusters with the same name are told apart by their members."""
    theme_id = "auto-" + hashlib.sha1("|".join(stems).encode("utf-8")).hexdigest()[:8]
    if theme_id in taken:
        members = "|".join(stems) + "#" + "|".join(sorted(slugs))
        theme_id = "auto-" + hashlib.sha1(members.encode("utf-8")).hexdigest()[:8]
    return theme_id


# --- briefings ------------------------------------------------------------------------------------


def briefing_period(date: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """First and last day of the briefing a date belongs to: the day itself, or its Monday–Sunday week."""
    if period == "weekly":
        monday = date - dt.timedelta(days=date.weekday())
        return monday, monday + dt.timedelta(days=6)
    return date, date


def build_briefings(entries: Sequence[Entry], primary_scores: Sequence[float], vectors: sparse.csr_matrix,
                    story_heads: set[int], themes: Sequence[Theme], period: str) -> tuple[Briefing, ...]:
    """One briefing per period, newest first. A story is listed once, in the briefing of its first
    report, under its article's strongest theme; its other reports hang off it as duplicates."""
    theme_rank = {theme.id: rank for rank, theme in enumerate(themes)}
    listed: dict[tuple[dt.date, dt.date], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, entry in enumerate(entries):
        if entry.meta.date is None or i not in story_heads:
            continue
        listed[briefing_period(entry.meta.date, period)][entry.themes[0]].append(i)

    briefings = []
    for (start, end), by_theme in sorted(listed.items(), reverse=True):
        sections = []
        for theme_id, members in by_theme.items():
            ordered = _by_centrality(members, primary_scores, vectors, entries)
            digest_ar, digest_en = digest([entries[i] for i in ordered])
            weight = (len(members), sum(primary_scores[i] for i in members))
            sections.append((weight, theme_id, ThemeDigest(theme_id, tuple(entries[i].slug for i in ordered),
                                                           digest_ar, digest_en)))
        sections.sort(key=lambda item: (-item[0][0], -item[0][1], theme_rank[item[1]]))
        briefings.append(Briefing(start.isoformat(), start, end, tuple(section for _, _, section in sections)))
    return tuple(briefings)


def _by_centrality(members: list[int], scores: Sequence[float], vectors: sparse.csr_matrix,
                   entries: Sequence[Entry]) -> list[int]:
    """Section members, the one most similar to the others first (then by theme score, then slug)."""
    if len(members) == 1:
        return members
    # The members' rows read straight from the CSR arrays: scipy's slicing and product cost more
    # than the arithmetic on a few dozen terms, thousands of sections over.
    starts, ends = vectors.indptr[members], vectors.indptr[np.asarray(members) + 1]
    columns = np.concatenate([vectors.indices[a:b] for a, b in zip(starts, ends)])
    weights = np.concatenate([vectors.data[a:b] for a, b in zip(starts, ends)]).astype(np.float64)
    _, term = np.unique(columns, return_inverse=True)
    totals = np.bincount(term, weights=weights)  # the members' summed vector, on the terms they use
    owner = np.repeat(np.arange(len(members)), ends - starts)
    centrality = np.bincount(owner, weights=weights * totals[term], minlength=len(members))
    order = sorted(range(len(members)), key=lambda k: (-round(float(centrality[k]), 6), -scores[members[k]],
                                                       entries[members[k]].slug))
    return [members[k] for k in order]


def digest(entries: Sequence[Entry]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A short paragraph from the entries' summaries: two sentences of the first, one of each other,
    skipping a sentence that repeats or nearly repeats one already taken from another article (one
    summary never repeats itself); English from the aligned summary sentences."""
    arabic: list[str] = []
    english: list[str] = []
    taken: list[tuple[int, set[str]]] = []  # (rank of the article, content terms) per chosen sentence
    seen_english: set[str] = set()
    for rank, entry in enumerate(entries):
        summary = entry.article.summary
        take = DIGEST_LEAD_SENTENCES if rank == 0 else DIGEST_OTHER_SENTENCES
        for k, sentence in enumerate(summary.arabic[:take]):
            if len(arabic) == DIGEST_MAX_SENTENCES:
                return tuple(arabic), tuple(english)
            terms = set(summary.terms[k]) if len(entries) > 1 else set()
            if any(_jaccard(terms, other) >= NEAR_IDENTICAL for r, other in taken if r != rank):
                continue
            arabic.append(sentence)
            taken.append((rank, terms))
            translation = summary.english[k] if k < len(summary.english) else None
            folded = normalize(translation) if translation is not None else None
            if folded is not None and folded not in seen_english:
                english.append(translation)
                seen_english.add(folded)
    return tuple(arabic), tuple(english)


def _jaccard(a: set[str], b: set[str]) -> float:
    """Term-set overlap; identical normalised sentences give 1, so exact repeats are caught too."""
    return len(a & b) / len(a | b) if a or b else 1.0
