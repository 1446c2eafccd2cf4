"""`check`: validate site.yaml and every article; writes nothing."""

from __future__ import annotations

import argparse

from ..config import BuildOptions
from .report import print_details, print_diagnostics

NAME = "check"
HELP = "validate site.yaml and the content without writing anything"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every cleaning removal and inference")


def run(args: argparse.Namespace) -> int:
    from ..pipeline import check  # the pipeline pulls in numpy, scipy and the engines: import it only when needed

    report = check(BuildOptions(site_dir=args.site, strict=args.strict))
    print_diagnostics(report.diagnostics)
    if args.verbose:
        print_details(report)
    print(f"Checked {report.articles} article(s): {len(report.errors)} error(s), {len(report.warnings)} warning(s).")
    failed = report.errors or (args.strict and report.warnings)
    return 1 if failed else 0
