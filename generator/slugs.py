"""Stable ASCII slugs. Arabic titles are transliterated (consonant skeleton, readable enough in a URL)
and prefixed with the date, so two articles with the same headline on different days never collide."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

from .arabic import normalize, strip_invisible

_TRANSLITERATION = str.maketrans({
    "ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r",
    "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f",
    "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y", "ء": "",
})
MAX_WORDS = 6


def slug_from_title(title: str, date: dt.date | None) -> str:
    """`2023-03-17-yzwr-shy-mwskw`; a title with no usable letters becomes `<date>-<short hash>`."""
    words = normalize(title).translate(_TRANSLITERATION)
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode().lower()
    parts = [p for p in re.split(r"[^a-z0-9]+", ascii_words) if p][:MAX_WORDS]
    prefix = date.isoformat() if date else "article"
    if not parts:
        digest = hashlib.sha256(title.encode("utf-8", "surrogatepass")).hexdigest()  # lone surrogates: odd file names
        return f"{prefix}-{digest[:8]}"
    return f"{prefix}-{'-'.join(parts)}"[:80].rstrip("-")


def slug_from_filename(stem: str, date: dt.date | None) -> str:
    """A file's own name when it is Latin (`xi-visits-moscow`), else the transliterated title rule."""
    ascii_stem = unicodedata.normalize("NFKD", strip_invisible(stem)).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem).strip("-")[:80].strip("-")
    if len(re.sub(r"[^a-z]", "", slug)) >= 3:
        return slug
    return slug_from_title(stem, date)
