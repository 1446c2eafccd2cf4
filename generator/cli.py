"""The command line: parse arguments, hand them to one command module, map the outcome to an exit code."""

from __future__ import annotations

import argparse
from pathlib import Path

from .commands import build, check, import_, models, new, serve, translate


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m generator",
                                  description="Build a bilingual Arabic + English news-briefing site.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (build, check, serve, new, import_, models, translate):
        sub = commands.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        sub.add_argument("--site", type=Path, default=Path("."), metavar="DIR",
                         help="the folder holding site.yaml (default: the current folder)")
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
