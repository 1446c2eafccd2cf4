"""Stories: the articles, from one outlet or several, that report the same event as it unfolds.

Single-pass event detection, as in TDT: articles are taken in (date, path) order, and each joins
the story most like it among those covered in the STORY_DAYS before it, or starts a new one. A
story is compared with through its articles of those days (average link: the mean similarity to
each of them), so an old story that went quiet closes, and one that drifts is followed by what
was said of it lately. Vectors weigh terms against a fixed background (generator.background), so
an article's place depends on its own text and on the stories open on its date: adding an article
at the end costs a comparison with the few articles of its window, and an article dated inside
the archive changes only what comes from its date on (`detect_stories` with `resume`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

STORY_DAYS = 3  # a story stays open this many days after its latest article
STORY_SIMILARITY = 0.15  # the mean cosine with a story's recent articles an article needs to join it (bench/stories)
STORY_SUMMARY_SENTENCES = 3
REPEATED = 0.5  # term overlap (Jaccard) above which a sentence says what the story summary said already


@dataclass(frozen=True)
class Placed:
    """Where detection put one article: the story it joined, named by the key of its first article."""

    key: str  # the article's (date, path) order key, as text: what resuming compares
    story: str


def order_key(date: dt.date, path: str) -> str:
    """Detection order: by date, then by file path (an ISO date sorts as text)."""
    return f"{date.isoformat()} {path}"


def detect_stories(keys: Sequence[str], dates: Sequence[dt.date], vectors: sparse.csr_matrix,
                   resume: Mapping[str, str] | None = None) -> list[str]:
    """The story of each article: the key of the story's first article (its own key for a new story).

    Row i of `vectors` (L2-normalised) is the article with order key `keys[i]` and date `dates[i]`.
    `resume` maps order keys to the stories a previous run gave them: articles before the first key
    that is new or gone keep theirs, and detection runs from there on (the result is the same).
    """
    order = sorted(range(len(keys)), key=keys.__getitem__)
    story = [""] * len(keys)
    start = _resume_point(order, keys, resume or {})
    for position in order[:start]:
        story[position] = resume[keys[position]]
    window: list[int] = []  # earlier articles of the last STORY_DAYS days, oldest first
    if start < len(order):
        cutoff = dates[order[start]] - dt.timedelta(days=STORY_DAYS)
        back = start
        while back > 0 and dates[order[back - 1]] >= cutoff:
            back -= 1
        window = order[back:start]
    for today in _days(order[start:], dates):
        cutoff = dates[today[0]] - dt.timedelta(days=STORY_DAYS)
        window = [j for j in window if dates[j] >= cutoff] + today
        # one product a day, not one an article: slicing the sparse rows cost more than comparing them
        similarities = (vectors[today] @ vectors[window].T).toarray()
        earlier = len(window) - len(today)
        for k, i in enumerate(today):
            story[i] = _best_story(window[:earlier + k], similarities[k, :earlier + k], story) or keys[i]
    return story


def _days(positions: list[int], dates: Sequence[dt.date]) -> list[list[int]]:
    """Consecutive positions of the same date, in order."""
    days: list[list[int]] = []
    for i in positions:
        if days and dates[days[-1][0]] == dates[i]:
            days[-1].append(i)
        else:
            days.append([i])
    return days


def _resume_point(order: list[int], keys: Sequence[str], resume: Mapping[str, str]) -> int:
    """How many articles, in detection order, are those `resume` placed first: the earliest key that
    is new, or the place of one that is gone, is where detection must run again."""
    start = 0
    for position, known in zip(order, sorted(resume)):
        if keys[position] != known:
            break
        start += 1
    return start


def _best_story(window: list[int], similarities: np.ndarray, story: list[str]) -> str | None:
    """The story whose recent articles (`window`) are most like the article on average, if alike
    enough; `similarities` are the article's cosines with them."""
    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for j, similarity in zip(window, similarities.tolist()):
        totals[story[j]] += similarity
        counts[story[j]] += 1
    best, score = None, STORY_SIMILARITY
    for candidate in sorted(totals):
        mean = totals[candidate] / counts[candidate]
        if mean >= score:
            best, score = candidate, mean
    return best


def members_of(story: Sequence[str], keys: Sequence[str]) -> dict[str, list[int]]:
    """The rows of each story, in detection order."""
    members: dict[str, list[int]] = defaultdict(list)
    for i in sorted(range(len(keys)), key=keys.__getitem__):
        members[story[i]].append(i)
    return members


def central_order(rows: Sequence[int], vectors: sparse.csr_matrix) -> list[float]:
    """Each row's cosine with the rows' summed vector: how well it stands for them all."""
    block = vectors[list(rows)]
    centre = np.asarray(block.sum(axis=0)).ravel()
    norm = float(np.linalg.norm(centre)) or 1.0
    return (block @ (centre / norm)).round(6).tolist()


def pick_sentences(candidates: Sequence[tuple[float, frozenset[str], int]], count: int = STORY_SUMMARY_SENTENCES
                   ) -> list[int]:
    """Indices of up to `count` candidates, best score first, none repeating one already taken, and
    one per article before any article's second. Candidates come as (score, content terms, article);
    ties keep the given order."""
    ranked = sorted(range(len(candidates)), key=lambda k: -candidates[k][0])
    taken: list[int] = []
    for first_pass in (True, False):
        used = {candidates[t][2] for t in taken}
        for index in ranked:
            if len(taken) == count:
                return taken
            score, terms, article = candidates[index]
            if index in taken or (first_pass and article in used):
                continue
            if any(_overlap(terms, candidates[t][1]) >= REPEATED for t in taken):
                continue
            taken.append(index)
            used.add(article)
    return taken


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0
