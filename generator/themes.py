"""Themes are the editors' sections: those configured in site.yaml, matched by their keywords.

Keywords are Arabic phrases, normalised and stemmed like the text, so "العقوبات" finds "وعقوبات";
a headline hit counts TITLE_WEIGHT times. An article no keyword reaches takes the theme most of its
story has; failing that, the theme its few keyword hits point to (`ThemeMatch.nearest`); failing
that, "Other news". There are no automatic themes: a cluster named after its stems ("هيومن") read
as noise, and two thirds of them held one article (measured on the corpus, see bench/README.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat

from .arabic import content_terms
from .structure import ArticleRecord, Articles, SummarizedArticle, Theme

TITLE_WEIGHT = 3.0  # a keyword in the headline says more than one in the tenth paragraph
THEME_MIN_SCORE = 3.0
THEME_MIN_DENSITY = 1 / 150  # long articles need proportionally more hits: one per 150 content terms
THEME_RELATIVE = 0.3  # a secondary theme needs this fraction of the strongest theme's score
MAX_THEMES = 3
NEAREST_MIN_SCORE = 2.0  # hits a theme needs to take an article no theme and no story placed
OTHER = Theme("other", "أخبار أخرى", "Other news")


@dataclass(frozen=True)
class Keywords:
    """A theme's keywords after the same analysis the article text gets: single terms and phrases."""

    terms: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]  # two or more terms, matched as a sequence


@dataclass(frozen=True)
class ThemeMatch:
    """What an article's own text says of the configured themes."""

    themes: tuple[tuple[str, float], ...]  # (id, score) passing the thresholds or named in front matter
    nearest: str | None = None  # the strongest theme with NEAREST_MIN_SCORE, when none passes


def theme_keywords(themes: Sequence[Theme]) -> dict[str, Keywords]:
    """Each theme's Arabic keywords as stemmed terms, in config order."""
    keywords = {}
    for theme in themes:
        stemmed = list(dict.fromkeys(tuple(content_terms(keyword)) for keyword in theme.keywords_ar))
        keywords[theme.id] = Keywords(terms=tuple(p[0] for p in stemmed if len(p) == 1),
                                      phrases=tuple(p for p in stemmed if len(p) > 1))
    return keywords


class ThemeScores:
    """Each article's `ThemeMatch` by article digest, for one set of theme keywords: an article is
    scored once, and the scores are kept between builds (article_cache)."""

    def __init__(self, themes: Sequence[Theme], known: dict[str, ThemeMatch] | None = None):
        self.keywords = theme_keywords(themes)
        self.known = dict(known or {})
        self.added = False  # whether any article was scored here (so the kept scores are out of date)

    def of(self, article: ArticleRecord, articles: Articles) -> ThemeMatch:
        """The article's match, scored from the whole article (`articles`, by slug) when not known."""
        found = self.known.get(article.digest)
        if found is None:
            found = self.known[article.digest] = match_themes(articles[article.slug], self.keywords)
            self.added = True
        return found


def match_themes(article: SummarizedArticle, keywords: dict[str, Keywords]) -> ThemeMatch:
    """The article's configured themes, strongest first: those its front matter names (that exist),
    else those its keywords reach; with the nearest theme when none does."""
    profile = article.profile
    scores = theme_scores(profile.title_terms, profile.body_terms, keywords)
    explicit = [t for t in dict.fromkeys(article.translated.clean.source.meta.themes) if t in keywords]
    if explicit:
        return ThemeMatch(tuple((t, scores.get(t, 0.0)) for t in explicit))
    passing = strongest_themes(scores, len(profile.body_terms), list(keywords))
    if passing:
        return ThemeMatch(tuple(passing))
    order = list(keywords)
    near = [t for t, s in sorted(scores.items(), key=lambda item: (-item[1], order.index(item[0])))
            if s >= NEAREST_MIN_SCORE]
    return ThemeMatch((), near[0] if near else None)


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


def assign_themes(matches: Sequence[ThemeMatch], stories: Sequence[Sequence[int]],
                  order: Sequence[str]) -> list[tuple[str, ...]]:
    """Theme ids per article, strongest first: its own keyword themes; else the primary theme most of
    its story's articles have (ties to the site's order); else its nearest theme; else OTHER."""
    story_theme: dict[int, str] = {}
    for members in stories:
        primaries = Counter(matches[i].themes[0][0] for i in members if matches[i].themes)
        if primaries:
            best = min(primaries.items(), key=lambda item: (-item[1], order.index(item[0])))[0]
            story_theme.update((i, best) for i in members)
    assigned = []
    for i, match in enumerate(matches):
        if match.themes:
            assigned.append(tuple(t for t, _ in match.themes))
        else:
            assigned.append((story_theme.get(i) or match.nearest or OTHER.id,))
    return assigned


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
