"""Splitting a long listing (a briefing, a month, a theme's year) into pages of bounded size.

A day with 10,000 articles made a 3 MB briefing page; a page must stay under the 40 KB page budget.
Items are weighed in units rather than bytes, so the split is known from the counts alone: the
page specs are listed before any page is rendered, and a page's key must not depend on another page's
bytes.
"""

from __future__ import annotations

from typing import Sequence

# One unit is an article card as a briefing shows it (title, outlet, date, lead sentence): measured
# at 1.37 KB of HTML on an Arabic page for a 120-letter title, a 450-letter lead and a 60-letter slug,
# the longest realistic ones (0.6 KB is typical). A story card with a dozen outlets and three such
# sentences measures 3.7 KB: 4 units. The frame of a page (head, masthead, pager, footer) is 4 KB,
# the home page's list of earlier briefings 2 KB more. 20 units of the largest cards: 27.4 KB, and
# 33.5 KB with the home page's frame, under the 40 KB budget with room for longer text
# (tests/test_paging.py renders such a day and checks every page).
ARTICLE_UNITS = 1
STORY_UNITS = 4
PAGE_UNITS = 20
PAGER_AROUND = 2  # page numbers the pager shows on each side of the current one, besides the first and last


def split_pages(costs: Sequence[int], budget: int) -> tuple[range, ...]:
    """The items on each page, in order, as ranges of their indices: each page takes items while they
    fit in `budget`, and an item larger than the budget has a page of its own (an item is never cut).
    Filling each page in turn gives the fewest pages any split in order can. An empty list is one
    empty page: the listing still has its first page."""
    pages: list[range] = []
    start, used = 0, 0
    for index, cost in enumerate(costs):
        if index > start and used + cost > budget:
            pages.append(range(start, index))
            start, used = index, 0
        used += cost
    pages.append(range(start, len(costs)))
    return tuple(pages)


def page_groups(sizes: Sequence[int], span: range) -> tuple[tuple[int, range, bool], ...]:
    """What a page shows of a listing made of groups (a day's articles, a theme's section): for each
    group with items in `span` (indices into all the groups' items, one after another), the group's
    index, the range of its own items on the page, and whether they continue the group from the page
    before, so its heading can say so."""
    shown = []
    first = 0
    for group, size in enumerate(sizes):
        start, stop = max(span.start, first), min(span.stop, first + size)
        if start < stop:
            shown.append((group, range(start - first, stop - first), start > first))
        first += size
    return tuple(shown)


def pager_numbers(current: int, count: int, around: int = PAGER_AROUND) -> tuple[int | None, ...]:
    """The page numbers a pager lists: the first, the last and `around` on each side of the current
    page, with None where numbers are left out. A listing of 400 pages gets a pager of a few links,
    not 400 of them."""
    kept = sorted({1, count, *range(max(1, current - around), min(count, current + around) + 1)})
    numbers: list[int | None] = []
    for number in kept:
        if numbers and number - numbers[-1] == 2:
            numbers.append(number - 1)  # a gap of one number: the number is as short as an ellipsis
        elif numbers and number - numbers[-1] > 2:
            numbers.append(None)
        numbers.append(number)
    return tuple(numbers)
