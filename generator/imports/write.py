"""Imported articles as Markdown files in content/articles/, named by the project's slug rule, never
written over an existing file."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import yaml

from ..slugs import slug_from_title
from .extract import Article

_BLOCK_MARKER = re.compile(r"^(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|={3,}|`{3,}|~{3,}|\d{1,9}(?=[.)](?:\s|$)))")


def article_text(article: Article, date: dt.date, outlet: str | None, url: str | None) -> str:
    """Front matter and body; each paragraph one Markdown paragraph, a leading `#`, `-`, `1.` or `>`
    escaped so the text is never read as a heading, list or quote."""
    front = {"title": article.title, "date": date, "source": outlet, "url": url, "author": article.author}
    front = {key: value for key, value in front.items() if value}
    body = "\n\n".join(_BLOCK_MARKER.sub(_escape, paragraph) for paragraph in article.paragraphs)
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n" + body + "\n"


def _escape(marker: re.Match) -> str:
    text = marker[0]
    return text + "\\" if text[0].isdigit() else "\\" + text


def free_path(folder: Path, title: str, date: dt.date) -> Path:
    """`<slug>.md`, or `<slug>-2.md`… when another article of that day has the same headline."""
    slug = slug_from_title(title, date)
    path, number = folder / f"{slug}.md", 1
    while os.path.lexists(path):
        number += 1
        path = folder / f"{slug}-{number}.md"
    return path


def write_new(folder: Path, title: str, date: dt.date, text: str) -> Path:
    """Create the file; a name taken in the meantime moves on to the next one, so nothing is overwritten."""
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        path = free_path(folder, title, date)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path
