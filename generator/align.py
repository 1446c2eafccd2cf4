"""Pair the paragraphs of an article with those of its translation when their counts differ.

An editor's translation may merge two Arabic paragraphs into one, split one, or leave one out. Pairing
paragraph i with paragraph i would then shift every row after the first difference. Gale and Church's
length-based alignment (1993) pairs them by length instead: a translated paragraph is about as long as
its source times the text's own ratio, so the cheapest chain of 1-1, 2-1, 1-2, 1-0 and 0-1 steps
lines them up again after each merge, split or omission.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# step (source paragraphs, target paragraphs) -> its prior probability (Gale and Church, table 5)
STEPS = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2, (2, 1): 0.089 / 2, (1, 2): 0.089 / 2}
VARIANCE = 6.8  # of a translation's length about c times its source's, per source character (ibid.)
# A bead's cost is -log(prior * P(deviation)); the probability is floored so one very uneven pair
# costs a large finite amount instead of forcing a chain of omissions.
FLOOR = 1e-12
# The table has one cell per pair of paragraphs: past this many (two 450-paragraph texts) the rows are
# paired one to one, as for equal counts, so a huge article cannot stall the build.
MAX_CELLS = 200_000


def align_paragraphs(source: Sequence[int], target: Sequence[int]) -> tuple[tuple[range, range], ...]:
    """Rows of (source indices, target indices) covering both sequences of paragraph lengths in order.
    Equal counts pair one to one, as the editor wrote them (so do texts too long to align, past
    MAX_CELLS); otherwise the rows are the cheapest chain
    of Gale–Church steps, with the length ratio c measured on the article itself."""
    if len(source) == len(target) or len(source) * len(target) > MAX_CELLS:
        return tuple((range(i, i + 1) if i < len(source) else range(len(source), len(source)),
                      range(i, i + 1) if i < len(target) else range(len(target), len(target)))
                     for i in range(max(len(source), len(target))))
    ratio = (sum(target) or 1) / (sum(source) or 1)
    rows, cols = len(source), len(target)
    cost = [[math.inf] * (cols + 1) for _ in range(rows + 1)]
    came_from: list[list[tuple[int, int]]] = [[(0, 0)] * (cols + 1) for _ in range(rows + 1)]
    cost[0][0] = 0.0
    for i in range(rows + 1):
        for j in range(cols + 1):
            for (di, dj), prior in STEPS.items():
                if i < di or j < dj or cost[i - di][j - dj] == math.inf:
                    continue
                step = cost[i - di][j - dj] + _bead_cost(sum(source[i - di:i]), sum(target[j - dj:j]), ratio, prior)
                if step < cost[i][j]:
                    cost[i][j], came_from[i][j] = step, (di, dj)
    beads = []
    i, j = rows, cols
    while i or j:
        di, dj = came_from[i][j]
        beads.append((range(i - di, i), range(j - dj, j)))
        i, j = i - di, j - dj
    return tuple(reversed(beads))


def _bead_cost(source_length: int, target_length: int, ratio: float, prior: float) -> float:
    """-log of the step's prior times the two-tailed probability of its length deviation. A paragraph left
    out (or added) has no length to compare: its prior alone prices it, or every omission, however
    plain, would cost more than any forced merge."""
    if not source_length or not target_length:
        return -math.log(prior)
    expected = (source_length + target_length / ratio) / 2
    deviation = (target_length - source_length * ratio) / math.sqrt(max(expected, 1.0) * VARIANCE)
    probability = max(math.erfc(abs(deviation) / math.sqrt(2)), FLOOR)
    return -math.log(prior) - math.log(probability)
