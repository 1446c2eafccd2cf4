"""`new "العنوان"`: start an article with its front matter filled in."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

import yaml

from ..slugs import slug_from_title
from .report import config_or_report

NAME = "new"
HELP = "create content/articles/<slug>.md for a new article (never overwrites)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("title", help="the article's Arabic headline")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                        help="publication date (default: today)")
    parser.add_argument("--themes", default="", metavar="ID,ID", help="theme ids from site.yaml, comma-separated")
    parser.add_argument("--source", default=None, help="the outlet that published it")
    parser.add_argument("--slug", default=None, help="the file name and address (default: derived from the title)")


def run(args: argparse.Namespace) -> int:
    config = config_or_report(args.site)
    if config is None:
        return 1
    date = args.date or dt.date.today()
    themes = [t.strip() for t in args.themes.split(",") if t.strip()]
    known = {t.id for t in config.themes}
    unknown = [t for t in themes if t not in known]
    if unknown:
        print(f"error: unknown theme id(s) {', '.join(unknown)}; site.yaml defines: {', '.join(sorted(known))}",
              file=sys.stderr)
        return 1
    slug = slug_from_title(args.slug or args.title, date)
    path = config.articles_dir / f"{slug}.md"
    front = {"title": " ".join(args.title.split()), "date": date, "lang": "ar"}
    if args.source:
        front["source"] = args.source
    if themes:
        front["themes"] = themes
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\nاكتب نص المقال هنا.\n"
    config.articles_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        print(f"error: {path} already exists; choose another title or pass --slug", file=sys.stderr)
        return 1
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"Created {path.relative_to(config.root)}")
    return 0
