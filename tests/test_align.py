"""Pairing an article's paragraphs with a translation that merged, split or left out some of them."""

from __future__ import annotations

from hypothesis import given, strategies as st

from generator.align import MAX_CELLS, align_paragraphs

LENGTHS = st.lists(st.integers(0, 2_000), max_size=30)


@given(LENGTHS, LENGTHS)
def test_rows_cover_both_texts_in_order(source, target):
    rows = align_paragraphs(source, target)
    assert [i for left, _ in rows for i in left] == list(range(len(source)))
    assert [j for _, right in rows for j in right] == list(range(len(target)))
    assert all(len(left) + len(right) > 0 for left, right in rows)


@given(LENGTHS)
def test_equal_counts_pair_one_to_one(lengths):
    rows = align_paragraphs(lengths, [length * 3 + 1 for length in reversed(lengths)])
    assert rows == tuple((range(i, i + 1), range(i, i + 1)) for i in range(len(lengths)))


@st.composite
def merged_translation(draw):
    """Source paragraph lengths, and a translation twice as long that merges some neighbours and splits others."""
    source = draw(st.lists(st.integers(40, 600), min_size=2, max_size=25))
    target, i = [], 0
    while i < len(source):
        step = draw(st.sampled_from(["one", "merge", "split"]) if i + 1 < len(source) else
                    st.sampled_from(["one", "split"]))
        if step == "merge":
            target.append(2 * (source[i] + source[i + 1]))
            i += 2
            continue
        if step == "split":
            first = draw(st.integers(1, 2 * source[i] - 1))
            target += [first, 2 * source[i] - first]
        else:
            target.append(2 * source[i])
        i += 1
    return source, target


@given(merged_translation())
def test_merges_and_splits_are_found_by_length(case):
    source, target = case
    rows = align_paragraphs(source, target)
    if len(source) != len(target):
        assert all(sum(target[j] for j in right) == 2 * sum(source[i] for i in left) for left, right in rows), rows


def test_an_omitted_paragraph_gets_a_row_of_its_own():
    rows = align_paragraphs([300, 120, 500, 200, 400, 350], [600, 1000, 400, 800, 700])
    assert rows == ((range(0, 1), range(0, 1)), (range(1, 2), range(1, 1)), (range(2, 3), range(1, 2)),
                    (range(3, 4), range(2, 3)), (range(4, 5), range(3, 4)), (range(5, 6), range(4, 5)))


def test_texts_too_long_to_align_pair_one_to_one():
    source, target = [100] * (MAX_CELLS // 100 + 1), [200] * 100
    rows = align_paragraphs(source, target)
    assert rows[:2] == ((range(0, 1), range(0, 1)), (range(1, 2), range(1, 2)))
    assert rows[-1] == (range(len(source) - 1, len(source)), range(100, 100))
