"""Dates and numbers written the way each language's readers expect.

Arabic pages use the month names common in Arab news media ("17 مارس 2023") and, when the
site asks for it, Arabic-Indic digits; English pages always use "17 March 2023".
"""

from __future__ import annotations

import datetime as dt

MONTHS_AR = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
             "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")
MONTHS_EN = ("January", "February", "March", "April", "May", "June",
             "July", "August", "September", "October", "November", "December")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def to_arabic_indic(text: str) -> str:
    """Replace Western digits (0-9) with Arabic-Indic ones (٠-٩); everything else is kept."""
    return text.translate(_ARABIC_INDIC)


def localize_digits(text: str, lang: str, digits: str = "western") -> str:
    """Digits as the page wants them: Arabic-Indic only on Arabic pages of sites that chose them."""
    return to_arabic_indic(text) if lang == "ar" and digits == "arabic-indic" else text


def format_number(number: int, lang: str, digits: str = "western") -> str:
    return localize_digits(str(number), lang, digits)


def month_name(month: int, lang: str) -> str:
    return (MONTHS_AR if lang == "ar" else MONTHS_EN)[month - 1]


def format_date(date: dt.date, lang: str, digits: str = "western") -> str:
    """17 March 2023 / 17 مارس 2023."""
    return localize_digits(f"{date.day} {month_name(date.month, lang)} {date.year}", lang, digits)


def format_month(year: int, month: int, lang: str, digits: str = "western") -> str:
    """March 2023 / مارس 2023."""
    return localize_digits(f"{month_name(month, lang)} {year}", lang, digits)


def format_period(start: dt.date, end: dt.date, lang: str, digits: str = "western") -> str:
    """A date range, shortened where both ends share the month or year.

    English: "13–19 March 2023", "27 March – 2 April 2023"; Arabic: "من 13 إلى 19 مارس 2023",
    whose words keep the order clear in right-to-left text where a dash between numbers would not.
    """
    if start == end:
        return format_date(start, lang, digits)
    if (start.year, start.month) == (end.year, end.month):
        first = str(start.day)
    elif start.year == end.year:
        first = f"{start.day} {month_name(start.month, lang)}"
    else:
        first = f"{start.day} {month_name(start.month, lang)} {start.year}"
    last = f"{end.day} {month_name(end.month, lang)} {end.year}"
    if lang == "ar":
        text = f"من {first} إلى {last}"
    elif " " in first:
        text = f"{first} – {last}"
    else:
        text = f"{first}–{last}"
    return localize_digits(text, lang, digits)


def month_key(date: dt.date) -> str:
    """The month's key, YYYY-MM, used by archive month pages and chart bars."""
    return f"{date.year:04d}-{date.month:02d}"


def month_span(first: str, last: str) -> list[str]:
    """Every month key from first to last inclusive, so charts show quiet months as zero."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    keys = []
    while (year, month) <= end:
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys
