"""What a pasted article leaves out, inferred from its text: the title from its headline line or first
sentence, the date from a publication stamp or a date in words or figures, the source from a
source line or a dateline such as `هونغ كونغ (سي إن إن)`."""

from __future__ import annotations

import datetime as dt
import re

from .arabic import normalize
from .decoding import clean_line
from .sentences import split_sentences

MAX_TITLE = 160
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)

def _paragraphs(body: str) -> list[str]:
    return [line.strip().lstrip("#").strip() for line in body.split("\n") if line.strip()]


def infer_title(body: str) -> str:
    """The article's own headline line when it has one, else its first sentence."""
    paragraphs = _paragraphs(body)
    first = clean_line(paragraphs[0]) if paragraphs else ""
    looks_like_headline = len(paragraphs) > 1 and len(first) <= MAX_TITLE and not re.search(r"[.!?؟:]$", first)
    if looks_like_headline:
        return first
    sentence = clean_line(split_sentences(first)[0]) if first else ""
    if len(sentence) > MAX_TITLE:
        sentence = sentence[:MAX_TITLE].rsplit(" ", 1)[0] + "…"
    return sentence


ARABIC_MONTHS = {
    name: number
    for number, names in enumerate((
        ("يناير", "كانون الثاني", "جانفي"), ("فبراير", "شباط", "فيفري"), ("مارس", "آذار", "اذار"),
        ("أبريل", "ابريل", "إبريل", "نيسان", "أفريل"), ("مايو", "أيار", "ايار", "ماي"),
        ("يونيو", "حزيران", "جوان"), ("يوليو", "تموز", "جويلية"), ("أغسطس", "اغسطس", "آب", "اب", "أوت"),
        ("سبتمبر", "أيلول", "ايلول"), ("أكتوبر", "اكتوبر", "تشرين الأول", "تشرين الاول"),
        ("نوفمبر", "تشرين الثاني"), ("ديسمبر", "كانون الأول", "كانون الاول"),
    ), start=1)
    for name in names
}
_MONTHS_PATTERN = "|".join(sorted(ARABIC_MONTHS, key=len, reverse=True))
_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?!\d)")
_DATE_WORDS = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s+({_MONTHS_PATTERN})(?:\s*/\s*(?:{_MONTHS_PATTERN}))?\s+(\d{{4}})(?!\d)")
_PUBLISHED = re.compile(r"(تم النشر|نشر في|بتاريخ|اليوم)")


def infer_date(body: str) -> dt.date | None:
    """A publication date found in the text: a 'published' stamp first, then the first full date."""
    head = "\n".join(_paragraphs(body)[:12])
    candidates: list[tuple[int, int, dt.date]] = []
    for match in _DATE_NUMERIC.finditer(head):
        date = _safe_date(int(match[1]), int(match[2]), int(match[3]))
        if date:
            candidates.append((_stamp_rank(head, match.start()), match.start(), date))
    for match in _DATE_WORDS.finditer(head):
        date = _safe_date(int(match[3]), ARABIC_MONTHS[match[2]], int(match[1]))
        if date:
            candidates.append((_stamp_rank(head, match.start()), match.start(), date))
    return min(candidates)[2] if candidates else None


def _stamp_rank(text: str, position: int) -> int:
    """0 when a 'published'/'today' word stands just before the date, else 1."""
    return 0 if _PUBLISHED.search(text[max(0, position - 30):position]) else 1


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    return date if EARLIEST_DATE <= date <= LATEST_DATE else None


def parse_date_value(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = _DATE_NUMERIC.search(normalize(value))
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    return None


_DATELINE_SOURCE = re.compile(r"^[^()\n]{2,40}\(([^()\n]{2,30})\)")
_STAMP_LINE = re.compile(r"^\s*تم (النشر|التحديث)")


def infer_source(body: str, title: str) -> str | None:
    """A source line under the headline (followed by a publication stamp), or a dateline like 'دبي (CNN)'."""
    paragraphs = _paragraphs(body)[:6]
    for i, line in enumerate(paragraphs[:-1]):
        if (_STAMP_LINE.match(paragraphs[i + 1]) and len(line.split()) <= 4 and line != title
                and not _STAMP_LINE.match(line)):
            return clean_line(line)
    match = _DATELINE_SOURCE.match(paragraphs[0]) if paragraphs else None
    return clean_line(match[1]) if match else None
