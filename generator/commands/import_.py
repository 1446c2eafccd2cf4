"""`import SOURCE… [--feeds]`: bring articles from pages, feeds and saved .html files into content/articles/."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from .report import config_or_report

NAME = "import"
HELP = "import articles from web pages, RSS/Atom feeds or saved .html files into content/articles/"
_LABELS = {"imported": "imported", "already": "skipped, already there", "skipped": "skipped", "failed": "failed"}


def languages(text: str) -> frozenset[str] | None:
    codes = frozenset(code.strip().lower() for code in text.split(",") if code.strip())
    if not codes:
        raise argparse.ArgumentTypeError("give language codes such as ar,en, or `any`")
    return None if "any" in codes else codes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="*", metavar="SOURCE",
                        help="an http(s) address of an article page or of an RSS/Atom feed, or a local .html "
                             "or feed file")
    parser.add_argument("--feeds", action="store_true", help="also import from the feeds under `sources:` in site.yaml")
    parser.add_argument("--since", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                        help="leave out articles dated before this day")
    parser.add_argument("--lang", type=languages, default=frozenset({"ar"}), metavar="CODES",
                        help="languages to import, comma-separated (default: ar; `any` for all); "
                             "other pages are skipped with a note")
    parser.add_argument("--dry-run", action="store_true", help="fetch and report, but write nothing")


def run(args: argparse.Namespace) -> int:
    from ..imports.run import ImportOptions, run_import  # trafilatura and lxml: loaded only to import

    config = config_or_report(args.site)
    if config is None:
        return 1
    sources = list(args.sources)
    if args.feeds:
        if not config.sources:
            print("error: --feeds, but site.yaml lists no feeds under `sources:`", file=sys.stderr)
            return 1
        sources += [feed.url for feed in config.sources if feed.url not in sources]
    if not sources:
        print("error: give at least one SOURCE, or --feeds", file=sys.stderr)
        return 2
    options = ImportOptions(tuple(sources), tuple((f.url, f.outlet) for f in config.sources if f.outlet),
                            since=args.since, languages=args.lang, dry_run=args.dry_run)
    report = run_import(config, options)
    for note in report.notes:
        print(note)
    for outcome in report.outcomes:
        line = f"{_LABELS[outcome.status]}: {outcome.source}: {outcome.detail}"
        if outcome.status == "imported" and args.dry_run:
            line = f"would import: {outcome.source}: {outcome.detail}"
        print(line, file=sys.stderr if outcome.status == "failed" else sys.stdout)
    verb = "Would import" if args.dry_run else "Imported"
    print(f"{verb} {report.count('imported')} article(s); {report.count('already')} skipped as already there, "
          f"{report.count('skipped')} skipped otherwise; {report.count('failed')} failed.")
    return 1 if report.count("failed") else 0
