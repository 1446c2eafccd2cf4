"""Front matter: the YAML block at the top of an article file, split from the body and validated
into `ArticleMeta`, with what is missing inferred from the text (`inference.py`). Every problem is a
Diagnostic naming the file, line and key."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from .arabic import normalize
from .decoding import clean_line
from .inference import EARLIEST_DATE, LATEST_DATE, infer_date, infer_source, infer_title, parse_date_value
from .structure import ArticleMeta, Diagnostic
from .yamlsafe import parse, quoted

KNOWN_KEYS = ("title", "date", "source", "url", "author", "themes", "lang")
MAX_FRONT_MATTER_DEPTH = 32  # nested [ and { in front matter: deeper is never metadata, and parses slowly


def split_front_matter(text: str, rel: str, diagnostics: list[Diagnostic]) -> tuple[dict | None, str, int]:
    """Return (front matter, body, first body line); front matter is {} when the file has none."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 1
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() in ("---", "...")), None)
    if closing is None:
        diagnostics.append(Diagnostic("error", rel, "the front matter starting on line 1 is never closed", line=1,
                                      hint="add a line with just --- after the front matter"))
        return None, "", 1
    raw = "\n".join(lines[1:closing])
    if _flow_depth(raw) > MAX_FRONT_MATTER_DEPTH:
        diagnostics.append(Diagnostic("error", rel, "the front matter is nested too deeply to read", line=2,
                                      hint="front matter is YAML: `key: value`, one per line"))
        return None, "", 1
    parsed = parse(raw, first_line=2)
    if parsed.problem:
        diagnostics.append(Diagnostic("error", rel, f"invalid front matter: {parsed.problem}", line=parsed.line,
                                      hint="front matter is YAML: `key: value`, one per line; quote values with "
                                           "colons; no `!!` type tags"))
        return None, "", 1
    front = parsed.value
    if front is None:
        front = {}
    if not isinstance(front, dict):
        diagnostics.append(Diagnostic("error", rel, "the front matter must be `key: value` lines", line=2,
                                      hint="write one `key: value` per line between the two --- lines"))
        return None, "", 1
    return front, "\n".join(lines[closing + 1:]), closing + 2


def _flow_depth(text: str) -> int:
    """How deeply [ and { nest in the text (brackets inside quotes count too: an over-estimate is fine)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


_BRACKETS = re.compile(r"[\[\]{}]")


def build_meta(front: dict, body: str, rel: str, theme_ids: set[str], diagnostics: list[Diagnostic]) -> ArticleMeta:
    def problem(key: str, message: str, hint: str, level: str = "error") -> None:
        diagnostics.append(Diagnostic(level, rel, message, key=key, hint=hint))

    for key in front:
        if key not in KNOWN_KEYS:
            problem(str(key)[:60], f"unknown front matter key {quoted(key)} (ignored)",
                    "known keys: " + ", ".join(KNOWN_KEYS), level="warning")
    inferred: set[str] = set()

    title = front.get("title")
    if title is not None and not isinstance(title, (str, int, float)):
        problem("title", f"title must be text, not {type(title).__name__}", "write `title: Your headline`")
        title = None
    title = clean_line(str(title)) if title is not None else ""
    if not title:
        title = infer_title(body)
        inferred.add("title")

    date = article_date(front.get("date"), body, problem)
    if date is not None and front.get("date") is None:
        inferred.add("date")

    source = _optional_text(front, "source", problem)
    if source is None:
        source = infer_source(body, title)
        if source:
            inferred.add("source")
    url = _optional_text(front, "url", problem)
    if url is not None and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
        problem("url", f"url {quoted(url)} is not an http(s) address (ignored)", "write the full https://... address",
                level="warning")
        url = None
    author = _optional_text(front, "author", problem)

    themes = front.get("themes", [])
    if isinstance(themes, str):
        themes = [themes]
    if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
        problem("themes", "themes must be a list of theme ids", "write `themes: [ukraine-war, sanctions]`")
        themes = []
    for theme in themes:
        if theme not in theme_ids:
            problem("themes", f"unknown theme id {quoted(theme)}",
                    "use one of the ids under `themes:` in site.yaml: " + ", ".join(sorted(theme_ids)))
    lang = front.get("lang", "ar")
    if lang != "ar":
        problem("lang", f"lang {quoted(lang)} is not supported for articles", "articles are Arabic: use `lang: ar`")
        lang = "ar"
    return ArticleMeta(title=title, date=date, source=source, url=url, author=author,
                       themes=tuple(t for t in themes if t in theme_ids), lang=lang, inferred=frozenset(inferred))


_DAY_FIRST = re.compile(r"^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\s*$")


def article_date(value, body: str, problem) -> dt.date | None:
    """The front matter date, checked; when it is missing or empty, a date found in the text."""
    if value is None:
        date = infer_date(body)
        if date is None:
            problem("date", "no date in the front matter and none found in the text",
                    "add `date: YYYY-MM-DD`; the article is listed as undated until then", level="warning")
        return date
    date = parse_date_value(value)
    if date is None:
        kind = "ambiguous" if isinstance(value, str) and _DAY_FIRST.match(normalize(value)) else "not a valid date"
        problem("date", f"date {quoted(value)} is {kind}", "write it as YYYY-MM-DD, e.g. 2023-03-17")
        return None
    if not EARLIEST_DATE <= date <= LATEST_DATE:
        problem("date", f"date {date.isoformat()} is implausible",
                f"check the year: dates from {EARLIEST_DATE.year} to {LATEST_DATE.year} are accepted")
        return None
    if date > dt.date.today() + dt.timedelta(days=1):
        problem("date", f"date {date.isoformat()} is in the future", "check the year and month", level="warning")
    return date


def _optional_text(front: dict, key: str, problem) -> str | None:
    value = front.get(key)
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        problem(key, f"{key} must be text, not {type(value).__name__}", f"write `{key}: ...` as one line of text")
        return None
    return clean_line(str(value)) or None
