"""How commands tell the editor what happened: diagnostics first, then a short summary."""

from __future__ import annotations

import sys
from pathlib import Path

from ..config import SiteConfig, load_config
from ..structure import BuildFailed, BuildReport, Diagnostic, format_size


def config_or_report(site: Path) -> SiteConfig | None:
    """The site's config, or None after printing why it could not be read."""
    try:
        return load_config(site)
    except BuildFailed as failure:
        print_diagnostics(failure.diagnostics)
        return None


def print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in sorted(diagnostics, key=lambda d: (d.level != "error", d.path, d.line or 0)):
        print(str(diagnostic), file=sys.stderr)


def print_new_diagnostics(diagnostics: list[Diagnostic], printed: frozenset[Diagnostic]) -> None:
    """Under serve: the problems a save brought, not again the 1,700 warnings of a big archive that
    the terminal already shows (the first build prints them all; `check` lists them at any time)."""
    new = [diagnostic for diagnostic in diagnostics if diagnostic not in printed]
    print_diagnostics(new)
    if standing := len(diagnostics) - len(new):
        print(f"{standing} problem(s) printed by an earlier build still stand; "
              "`python -m generator check` lists them all.", file=sys.stderr)


def print_details(report: BuildReport) -> None:
    """--verbose: every removal made by the cleaning rules, every inferred field, time per stage."""
    for path, removals in sorted(report.removals.items()):
        for removal in removals:
            print(f"{path}: removed ({removal.rule}): {removal.text}")
    for path, fields in sorted(report.inferred.items()):
        print(f"{path}: inferred {', '.join(fields)} from the text")
    if report.stage_seconds:
        print(f"Time per stage: {stage_times(report)}")


def stage_times(report: BuildReport) -> str:
    return "; ".join(f"{stage} {seconds:.1f} s" for stage, seconds in report.stage_seconds.items())


def print_summary(report: BuildReport, output: str) -> None:
    print(f"Built {report.articles} article(s) into {output}: "
          f"{report.pages_written} page(s) written, {report.pages_unchanged} unchanged; "
          f"the site is {format_size(report.site_bytes)}.")
    if report.articles_reused:
        print(f"{report.articles_reused} unchanged article(s) taken from the cache as translated and summarised.")
    if report.articles_reused < report.articles:
        model = report.translation_model or "no model"
        if report.translation_device:
            model += f" on {report.translation_device}"
        print(f"Translation: {report.segments_from_memory} segment(s) from memory, "
              f"{report.segments_translated} translated in {report.translation_seconds:.1f} s ({model}).")
    if report.pending_translations:
        print(f"{len(report.pending_translations)} article(s) show 'translation pending'.")
    counts = f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
    print(counts if report.diagnostics else "No problems found.")
