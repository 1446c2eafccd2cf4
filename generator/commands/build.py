"""`build`: run the whole pipeline once."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import BuildOptions
from ..fingerprint import up_to_date
from ..structure import BuildFailed
from .report import print_details, print_diagnostics, print_summary

NAME = "build"
HELP = "build the site into output/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", type=Path, metavar="DIR", help="where to write the site (default: DIR/output)")
    parser.add_argument("--base-url", metavar="URL", help="the address the site is served from, e.g. "
                        "https://org.github.io/briefing/ (overrides site.yaml)")
    parser.add_argument("--strict", action="store_true",
                        help="treat warnings (inferred dates, pending translations) as errors")
    parser.add_argument("--force", action="store_true",
                        help="run every stage even when no input changed since the last build")
    parser.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                        help="processes cleaning, summarising and rendering, and search shards indexed at once "
                             "(default: one per core; the output is the same)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every cleaning removal and inference, and the time of each stage")


def options_from(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(site_dir=args.site, output=args.output, base_url=args.base_url, strict=args.strict,
                        jobs=args.jobs)


def run(args: argparse.Namespace) -> int:
    options = options_from(args)
    try:
        if not args.force and up_to_date(options):
            print(f"Nothing changed since the last build: {options.output_dir} is up to date.")
            return 0
        from ..pipeline import build  # numpy, scipy, Jinja…: imported only when there is work to do

        report = build(options)
    except BuildFailed as failure:
        print_diagnostics(failure.diagnostics)
        print(f"Build failed: {len(failure.diagnostics)} problem(s). The previous output was left as it was.")
        return 1
    print_diagnostics(report.diagnostics)
    if args.verbose:
        print_details(report)
    print_summary(report, str(args.output or args.site / "output"))
    return 0
