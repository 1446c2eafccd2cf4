"""Inline SVG bar charts of articles per month: no JavaScript, scalable, readable by machines and people.

Each bar is a <rect class="bar" data-month="YYYY-MM" data-count="N"> with a <title> tooltip;
counts are also written above the bars. On Arabic pages time runs right to left.
"""

from __future__ import annotations

import math
from html import escape

from .dates import format_month, format_number, month_name

CHART_WIDTH = 640
MAX_SLOT = 64
PAD = 8
COUNT_SPACE = 18
PLOT_HEIGHT = 120
LABEL_SPACE = 36
FONT = 12


def theme_chart(counts: list[tuple[str, int]], *, lang: str = "en", digits: str = "western",
                label: str = "", scale_max: int | None = None, width: int = CHART_WIDTH) -> str:
    """An SVG string with one bar per (month key "YYYY-MM", count), in the order given (oldest first).

    `scale_max` lets several charts share one scale (small multiples); `label` becomes the aria-label.
    """
    n = max(len(counts), 1)
    slot = min(MAX_SLOT, (width - 2 * PAD) / n)
    total_width = round(n * slot + 2 * PAD)
    height = COUNT_SPACE + PLOT_HEIGHT + LABEL_SPACE
    baseline = COUNT_SPACE + PLOT_HEIGHT
    top = max([scale_max or 0, *(c for _, c in counts), 1])
    bar_width = slot * 0.7
    rtl = lang == "ar"
    label_every = math.ceil((46 if rtl else 32) / slot)
    show_counts = slot >= 18
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_width} {height}" '
        f'width="{total_width}" height="{height}" role="img" aria-label="{escape(label)}">',
        f'<line class="baseline" x1="{PAD}" y1="{baseline}" x2="{total_width - PAD}" y2="{baseline}"/>',
    ]
    last_year_shown = None
    for i, (key, count) in enumerate(counts):
        year, month = int(key[:4]), int(key[5:7])
        position = n - 1 - i if rtl else i
        centre = PAD + position * slot + slot / 2
        bar_height = count / top * PLOT_HEIGHT
        month_text = format_month(year, month, lang, digits)
        count_text = format_number(count, lang, digits)
        css_class = "bar" if count else "bar empty"
        parts.append(
            f'<rect class="{css_class}" data-month="{escape(key)}" data-count="{count}" '
            f'x="{centre - bar_width / 2:.1f}" y="{baseline - bar_height:.1f}" '
            f'width="{bar_width:.1f}" height="{bar_height:.1f}">'
            f'<title>{escape(month_text)}: {escape(count_text)}</title></rect>')
        if count and show_counts:
            parts.append(f'<text class="count" x="{centre:.1f}" y="{baseline - bar_height - 4:.1f}" '
                         f'text-anchor="middle" font-size="{FONT}">{escape(count_text)}</text>')
        if i % label_every == 0:
            short = month_name(month, lang) if rtl else month_name(month, lang)[:3]
            parts.append(f'<text class="month" x="{centre:.1f}" y="{baseline + 15}" '
                         f'text-anchor="middle" font-size="{FONT}">{escape(short)}</text>')
            if year != last_year_shown:
                year_text = format_number(year, lang, digits)
                parts.append(f'<text class="year" x="{centre:.1f}" y="{baseline + 30}" '
                             f'text-anchor="middle" font-size="{FONT - 1}">{escape(year_text)}</text>')
                last_year_shown = year
    parts.append("</svg>")
    return "".join(parts)
