"""The whole build, stage by stage: load → clean → translate → summarize → group → render → write."""

from __future__ import annotations

import time
from collections import ChainMap
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import AbstractSet, Callable, Iterator, NamedTuple

from .article_cache import ArticleCache, CachedArticles
from .clean import clean_article
from .config import BuildOptions, SiteConfig, site_config
from .content_files import ArticleListing
from .fingerprint import forget, input_fingerprint, record
from .background import background
from .group import regroup
from .load import LoadResult, load_articles
from .incremental import BuildState, keep_state, previous_state
from .runtime import fork_map, long_lived, unfreeze
from .publish import publish_pages, size_problems
from .render import SiteRenderer
from .search import search_files
from .static import static_files
from .structure import (ArticleRecord, BuildFailed, BuildReport, CleanArticle, Diagnostic, RenderedPage,
                        SearchEntry, SummarizedArticle)
from .summarize import summarize
from .themes import ThemeScores
from .translate import EngineCache, translate_articles, translation_identity
from .translate.glossary import load_glossary
from .write import SiteWriter, StoredFile, build_lock

Changed = AbstractSet[str] | None  # absolute paths changed since the held state's build; None: not known


def read_content(config: SiteConfig, report: BuildReport, cache: ArticleCache | None = None,
                 workers: int = 1, changed: Changed = None,
                 listing: ArticleListing | None = None) -> tuple[list[CleanArticle], LoadResult]:
    """Load and clean the articles the cache does not hold (every article, without a cache), and
    record what was inferred and removed in each article, kept or not."""
    loaded = load_articles(config, cache, workers, changed, listing)
    report.diagnostics.extend(loaded.diagnostics)
    cleaned = list(fork_map(partial(clean_article, rules=config.cleaning), loaded.articles, workers))
    by_path = {article.source.path: (article.source.meta, article.removals) for article in cleaned}
    by_path.update((path, (record.meta, record.removals)) for path, record in loaded.reused.items())
    for path in loaded.order:
        meta, removals = by_path[path]
        if removals:
            report.removals[path] = list(removals)
        if meta.inferred:
            report.inferred[path] = sorted(meta.inferred)
    for article in cleaned:
        if not article.blocks:
            report.diagnostics.append(Diagnostic("error", article.source.path,
                                                 "nothing is left of the article after cleaning",
                                                 hint="check the cleaning rules in site.yaml against this text"))
    report.articles = len(loaded.order)
    report.articles_reused = len(loaded.reused)
    return cleaned, loaded


class Prepared(NamedTuple):
    records: list[ArticleRecord]  # every article's, in file order
    articles: CachedArticles  # whole articles, read from the cache on demand
    made: dict[str, SummarizedArticle]  # by slug, the whole articles this build made: grouping needs them
    listing: ArticleListing | None  # what listing content/articles/ found


def prepare_articles(config: SiteConfig, report: BuildReport, cache: ArticleCache, engines: EngineCache | None,
                     strict: bool, workers: int = 1, changed: Changed = None,
                     listing: ArticleListing | None = None) -> Prepared:
    """load → clean → translate → summarize, each article once: what the cache kept is reused as it
    is. Cleaning and summarising share `workers` processes; translating is batched in this one."""
    fresh, loaded = read_content(config, report, cache, workers, changed, listing)
    _stop_on_errors(report, strict)
    translated, stats = translate_articles(fresh, config, engines, workers)
    report.diagnostics.extend(stats.diagnostics)
    report.segments_from_memory = stats.from_memory
    report.segments_translated = stats.translated
    report.translation_seconds = stats.seconds
    report.translation_model = stats.model_label
    report.translation_device = stats.device
    report.pending_translations = stats.pending
    records = dict(loaded.reused)
    made = {}
    for article in summarize(translated, config.summary_sentences, workers, then=cache.write):
        records[article.translated.clean.source.path] = ArticleRecord.of(article)
        made[article.slug] = article
    for path, stamp in loaded.stamps.items():  # read anew, or touched: kept under the stamp they were read with
        cache.remember(path, stamp, loaded.file_diagnostics[path], records[path])
    cache.finish()
    pending = {slug: article for slug, article in made.items() if article.translated.english is None}
    return Prepared([records[path] for path in loaded.order], cache.articles(pending), made, loaded.listing)


def check(options: BuildOptions) -> BuildReport:
    """Validate config and content without translating or writing anything."""
    report = BuildReport()
    try:
        config = site_config(options)
    except BuildFailed as failure:
        report.diagnostics.extend(failure.diagnostics)
        return report
    try:
        read_content(config, report)
    except BuildFailed as failure:  # a cleaning rule that never ends stops `check` as it stops `build`
        report.diagnostics.extend(failure.diagnostics)
    _, glossary_problems = load_glossary(config.glossary_path, config.translation.glossary, config.root)
    report.diagnostics.extend(glossary_problems)
    return report


def build(options: BuildOptions, engines: EngineCache | None = None, state: BuildState | None = None,
          changed: Changed = None, then: Callable[[BuildReport], None] | None = None) -> BuildReport:
    """Run every stage; on any error raise BuildFailed and leave output/ exactly as it was.

    A process that builds again and again (serve) passes the same `engines` each time and the `state`
    the last successful build handed on (`report.state`), so the translation model and the
    incremental state stay in memory between builds; with it, `changed`: every path that changed
    since that build (as serve's watcher saw them), so that no other article file is looked at.
    `then` runs once output/ holds the new site, before the state is written (serve reloads the
    browsers there)."""
    try:
        return _build(options, engines, state, changed, then)
    except OSError as exc:  # disk full or a read-only cache while translating, indexing, caching
        where = exc.filename if isinstance(exc.filename, str) else str(options.site_dir)
        raise BuildFailed([Diagnostic("error", where, f"cannot write: {exc.strerror or exc}",
                                      hint="free disk space or make the site's .cache/ and memory file writable; "
                                           "the previous output was left as it was")]) from None
    finally:
        unfreeze()


def _build(options: BuildOptions, engines: EngineCache | None, held: BuildState | None, changed: Changed,
           then: Callable[[BuildReport], None] | None) -> BuildReport:
    report = BuildReport()
    config = site_config(options)
    output = options.output_dir
    _refuse_unsafe_output(output, config)
    with build_lock(config.cache_dir):
        inputs = input_fingerprint(config, options, output)  # taken first: edits during the build count
        previous = previous_state(config, output, held)
        if previous is not held:  # the changes were seen since the held state, not since what was read
            changed = None
        cache = ArticleCache(config, translation_identity(config), previous.articles)
        with long_lived():
            with _timed(report, "load, clean, translate, summarize"):
                records, articles, made, listing = prepare_articles(config, report, cache, engines, options.strict,
                                                                    options.workers, changed, previous.listing)
            _stop_on_errors(report, options.strict)
            with _timed(report, "group"):
                scored = ThemeScores(config.themes, previous.theme_scores)
                glossary, _ = load_glossary(config.glossary_path, config.translation.glossary, config.root)
                model, grouping = regroup(records, ChainMap(made, articles), config, previous.grouping,
                                          options.workers, scored, background(config.cache_dir),
                                          names=[" ".join(term.words) for term in glossary.terms])
                model = replace(model, articles=articles)  # not those made here: render reads from the cache
                del made  # so their memory goes back before the render workers are forked
                theme_scores = previous.theme_scores
                if scored.added or len(scored.known) > len(records):  # new articles, or some are gone
                    theme_scores = {a.digest: scored.known[a.digest] for a in records}
        forget(config)  # a build killed from here on must not look up to date next time
        with SiteWriter(output, config.cache_dir, previous.files) as writer:
            reusable = writer.reusable_keys()
            renderer = SiteRenderer(model, config)
            pages = []
            with _timed(report, "render"):
                for page, stored in renderer.pages(reusable, options.workers, then=partial(_store_page, writer),
                                                   previous=previous.page_index):
                    writer.add(stored)
                    pages.append(page)
                writer.keep(kept.path for kept in renderer.unchanged)
            with _timed(report, "search index"):
                searchable = [page.search for page in pages if page.search is not None]
                searchable += [SearchEntry(*kept.search, None) for kept in renderer.unchanged if kept.search]
                search = search_files(searchable, config, reusable, renderer.search_record, workers=options.workers)
            with _timed(report, "feeds, sitemap, static files"):
                sitemap = [(page.path.as_posix(), page.sitemap) for page in pages]
                sitemap += [(kept.path, kept.sitemap) for kept in renderer.unchanged]
                files = search.pages + static_files(config) + publish_pages(model, config, sitemap)
            with _timed(report, "write"):
                writer.keep(search.kept)
                for file in files:
                    writer.put(file.path, file.data, file.key, file.source)
                report.site_bytes = writer.size
                report.diagnostics += size_problems(report.site_bytes, config)
                _stop_on_errors(report, options.strict)  # a site the host would refuse is not published
                result = writer.commit()
        state = BuildState(previous.articles, theme_scores, previous.theme_keywords, grouping,
                           renderer.page_index(pages), result.files, listing=listing)
        report.pages_written = result.written
        report.pages_unchanged = result.unchanged
        report.model = model
        if then is not None:
            then(report)
        report.state = keep_state(config, previous, state)
        record(config, inputs, pending=bool(report.pending_translations), output=output, published=result.published)
    return report


def _store_page(writer: SiteWriter, page: RenderedPage) -> tuple[RenderedPage, StoredFile]:
    """Write a page into the spare where it was rendered: only its record, sitemap entry and search
    entry go on (from a worker process, the bytes would cost more to send back than to write)."""
    stored = writer.store(page.path, page.data, page.key)
    return (page if page.data is None else replace(page, data=None)), stored


@contextmanager
def _timed(report: BuildReport, stage: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    report.stage_seconds[stage] = time.perf_counter() - started


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
