"""Each article's most similar articles: the candidates for its related links.

A clean build searches every pair (a sparse top-k product, `nearest_neighbours`). A rebuild keeps
the lists of the articles that did not change and compares only with the articles that did
(`update_neighbours`): an added article costs one row of the product and one column, not the
archive. The lists are exactly those a clean search gives: a kept list loses the articles that went
and gains those that came, and an article whose full list lost a member (its next one is unknown)
is searched again in full. Every similarity is summed in the same order either way (the row's own
terms, in their stored order), so the floats, and with them the ties, are the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse

RELATED_MIN_SIMILARITY = 0.08
CHUNK_ROWS = 512  # rows of the similarity matrix worked out at once

Neighbour = tuple[str, float]  # (slug, cosine)


def nearest_neighbours(vectors: sparse.csr_matrix, k: int, workers: int = 1,
                       floor: float = RELATED_MIN_SIMILARITY) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the k most similar other rows with a positive cosine of at least `floor` (indices,
    cosines), most similar first; the slots left over hold index -1 and -inf.

    Nothing reads a neighbour below the related articles' threshold, so the similarities stay sparse:
    CHUNK_ROWS rows at a time, only those reaching `floor` are sorted, with no dense block of
    CHUNK_ROWS x n in memory (and a tenth less time than partitioning dense rows at 10,000 articles:
    the sparse product itself is most of it). Ties go to the lower index, so the result does not
    depend on the chunks. Chunks run on up to `workers` threads (scipy's product and numpy's sort
    release the GIL), each filling its rows.
    """
    return _search(vectors, np.arange(vectors.shape[0]), k, workers, floor)


def update_neighbours(vectors: sparse.csr_matrix, slugs: Sequence[str], k: int,
                      previous: Mapping[str, tuple[Neighbour, ...]], fresh: set[str], workers: int = 1,
                      floor: float = RELATED_MIN_SIMILARITY) -> dict[str, tuple[Neighbour, ...]]:
    """The k nearest of every row (`slugs` in row order, which is slug order), as a clean search gives
    them, from `previous` lists of the same k: the rows in `fresh` (added or changed articles) and
    those whose full list lost a member are searched in full; the others keep their list, less the
    articles gone, plus any fresh article now among their k nearest."""
    k = max(0, min(k, len(slugs) - 1))
    present = set(slugs)
    kept: dict[str, list[Neighbour]] = {}
    for slug in slugs:
        if slug in fresh or slug not in previous:
            continue
        listed = previous[slug]
        still = [(other, similarity) for other, similarity in listed if other in present and other not in fresh]
        if len(still) == len(listed) or len(listed) < k:  # nothing lost, or every candidate was listed
            kept[slug] = still
    searched = np.array([i for i, slug in enumerate(slugs) if slug not in kept], dtype=np.int64)
    indices, similarities = _search(vectors, searched, k, workers, floor)
    lists = {slugs[i]: tuple((slugs[j], float(s)) for j, s in zip(row, sims) if j >= 0)
             for i, row, sims in zip(searched.tolist(), indices.tolist(), similarities.tolist())}
    added = np.array([i for i, slug in enumerate(slugs) if slug in fresh], dtype=np.int64)
    grown = set()
    if kept and len(added):
        # every row against the fresh columns (the kept ones read below), each summed in the row's own
        # order as a clean search does; all rows, as slicing most of the matrix costs more than it saves
        block = (vectors @ vectors[added].T).tocoo()
        close = block.data >= np.float32(floor)  # compared in float32, as `_search` compares
        for r, c, value in zip(block.row[close].tolist(), block.col[close].tolist(), block.data[close].tolist()):
            slug = slugs[r]
            if slug in kept:
                kept[slug].append((slugs[added[c]], value))
                grown.add(slug)
    for slug, candidates in kept.items():
        if slug in grown or len(candidates) != len(previous[slug]):
            lists[slug] = tuple(sorted(candidates, key=lambda n: (-n[1], n[0]))[:k])
        else:  # the same list: nothing lost, nothing gained
            lists[slug] = previous[slug]
    return lists


def _search(vectors: sparse.csr_matrix, searched: np.ndarray, k: int, workers: int,
            floor: float) -> tuple[np.ndarray, np.ndarray]:
    """`nearest_neighbours` for the rows `searched` only (one result row each, in that order)."""
    n = vectors.shape[0]
    k = max(0, min(k, n - 1))
    indices = np.full((len(searched), k), -1, dtype=np.int64)
    similarities = np.full((len(searched), k), -np.inf, dtype=np.float32)
    if k == 0 or not len(searched):
        return indices, similarities
    transposed = vectors.T.tocsc()

    def fill(start: int) -> None:
        chunk = searched[start:start + CHUNK_ROWS]
        block = (vectors[chunk] @ transposed).tocoo()
        keep = (block.data >= np.float32(floor)) & (block.col != chunk[block.row])
        rows, columns, values = block.row[keep], block.col[keep], block.data[keep]
        order = np.lexsort((columns, -values, rows))  # per row: most similar first, ties to the lower index
        rows, columns, values = rows[order], columns[order], values[order]
        rank = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
        top = rank < k
        indices[start + rows[top], rank[top]] = columns[top]
        similarities[start + rows[top], rank[top]] = values[top]

    with ThreadPoolExecutor(max(1, workers)) as pool:
        list(pool.map(fill, range(0, len(searched), CHUNK_ROWS)))
    return indices, similarities
