"""The whole build, stage by stage: load → clean → translate → summarize → group → render → write."""

from __future__ import annotations

from pathlib import Path

from .clean import clean_article
from .config import BuildOptions, SiteConfig, site_config
from .fingerprint import forget, input_fingerprint, record
from .group import group
from .load import load_articles
from .publish import publish_pages
from .render import render_site
from .search import search_pages
from .structure import BuildFailed, BuildReport, CleanArticle, Diagnostic
from .summarize import summarize
from .translate import EngineCache, translate_articles
from .translate.glossary import load_glossary
from .write import build_lock, write_site


def read_content(config: SiteConfig, report: BuildReport) -> list[CleanArticle]:
    """Load and clean every article, recording what was inferred and removed."""
    loaded = load_articles(config)
    report.diagnostics.extend(loaded.diagnostics)
    cleaned = [clean_article(article, config.cleaning) for article in loaded.articles]
    for article in cleaned:
        if article.removals:
            report.removals[article.source.path] = list(article.removals)
        if article.source.meta.inferred:
            report.inferred[article.source.path] = sorted(article.source.meta.inferred)
        if not article.blocks:
            report.diagnostics.append(Diagnostic("error", article.source.path,
                                                 "nothing is left of the article after cleaning",
                                                 hint="check the cleaning rules in site.yaml against this text"))
    report.articles = len(cleaned)
    return cleaned


def check(options: BuildOptions) -> BuildReport:
    """Validate config and content without translating or writing anything."""
    report = BuildReport()
    try:
        config = site_config(options)
    except BuildFailed as failure:
        report.diagnostics.extend(failure.diagnostics)
        return report
    read_content(config, report)
    _, glossary_problems = load_glossary(config.glossary_path, config.translation.glossary, config.root)
    report.diagnostics.extend(glossary_problems)
    return report


def build(options: BuildOptions, engines: EngineCache | None = None) -> BuildReport:
    """Run every stage; on any error raise BuildFailed and leave output/ exactly as it was."""
    try:
        return _build(options, engines)
    except OSError as exc:  # disk full or a read-only cache while translating, indexing, caching
        where = exc.filename if isinstance(exc.filename, str) else str(options.site_dir)
        raise BuildFailed([Diagnostic("error", where, f"cannot write: {exc.strerror or exc}",
                                      hint="free disk space or make the site's .cache/ and memory file writable; "
                                           "the previous output was left as it was")]) from None


def _build(options: BuildOptions, engines: EngineCache | None) -> BuildReport:
    report = BuildReport()
    config = site_config(options)
    output = options.output_dir
    _refuse_unsafe_output(output, config)
    with build_lock(config.cache_dir):
        inputs = input_fingerprint(config, options, output)  # taken first: edits during the build count
        cleaned = read_content(config, report)
        _stop_on_errors(report, options.strict)
        translated, stats = translate_articles(cleaned, config, engines)
        report.diagnostics.extend(stats.diagnostics)
        report.segments_from_memory = stats.from_memory
        report.segments_translated = stats.translated
        report.translation_seconds = stats.seconds
        report.translation_model = stats.model_label
        report.pending_translations = stats.pending
        _stop_on_errors(report, options.strict)
        model = group(summarize(translated, config.summary_sentences), config)
        pages = render_site(model, config)
        pages += publish_pages(model, config, pages)
        pages += search_pages(pages, config)
        forget(config)  # a build killed from here on must not look up to date next time
        result = write_site(pages, output, config.cache_dir)
        record(config, inputs, pending=bool(report.pending_translations))
    report.pages_written = result.written
    report.pages_unchanged = result.unchanged
    return report


def _stop_on_errors(report: BuildReport, strict: bool) -> None:
    blocking = report.errors + (report.warnings if strict else [])
    if blocking:
        raise BuildFailed(blocking)


def _refuse_unsafe_output(output: Path, config: SiteConfig) -> None:
    """The output folder is replaced wholesale, so it must not hold the site's own files."""
    root = config.root.resolve()
    inputs = [config.content_dir, config.templates_dir, config.static_dir, config.cache_dir]
    for folder in [root] + inputs:
        folder = folder.resolve()
        inside_inputs = folder != root and output.is_relative_to(folder)
        if output == folder or folder.is_relative_to(output) or inside_inputs:
            raise BuildFailed([Diagnostic("error", str(output), f"the output folder would replace {folder}",
                                          hint="choose an empty or dedicated folder for --output")])
