"""`models list` and `models install [--from-file PATH]`: manage Argos Translate packages."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .report import config_or_report

NAME = "models"
HELP = "list or install the Argos Translate model for the site's language pair"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    site = argparse.ArgumentParser(add_help=False)  # so `models list --site DIR` works too
    site.add_argument("--site", type=Path, default=argparse.SUPPRESS, metavar="DIR", help="the folder holding site.yaml")
    actions.add_parser("list", parents=[site], help="show installed packages and which one serves this site")
    install = actions.add_parser("install", parents=[site], help="install the model for the pair in site.yaml")
    install.add_argument("--from-file", type=Path, metavar="PATH", help="install an offline .argosmodel file")


def run(args: argparse.Namespace) -> int:
    # the translation package pulls in the Markdown parser and the engine: imported only when managing models
    from ..translate.download import install_from_index
    from ..translate.models import ModelError, install_from_file, list_models

    config = config_or_report(args.site)
    if config is None:
        return 1
    settings = config.translation
    pair = f"{settings.source}→{settings.target}"
    if args.action == "list":
        rows = list_models(settings)
        if not rows:
            print(f"No Argos packages installed. Run `python -m generator models install` for {pair}.")
        for row in rows:
            mark = f"  serves this site ({pair})" if row.serves_site else ""
            print(f"{row.name}  {row.pair}  version {row.version}  {row.layout}  {row.path}{mark}")
        return 0
    try:
        installed = install_from_file(args.from_file) if args.from_file else install_from_index(settings)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if not args.from_file:
            print("Offline? Copy the .argosmodel file here and run "
                  "`python -m generator models install --from-file PATH.argosmodel`.", file=sys.stderr)
        return 1
    print(f"Installed Argos Translate {installed}.")
    return 0
