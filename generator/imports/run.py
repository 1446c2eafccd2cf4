"""One import run: sources → pages (feeds expanded into their entries) → articles → files.

Fetching happens on MAX_PARALLEL threads; extracting, deduplicating and writing happen in the
main thread in the order the sources were given, so a run's result does not depend on timing.
Every item ends as one Outcome; a failure is recorded with its address and reason, and the run
goes on with the others.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..config import SiteConfig
from ..files import read_regular
from .extract import Article, extract_article, looks_like_feed, parse_feed
from .fetch import MAX_PARALLEL, Fetcher, FetchFailed, Response, is_web_address
from .records import Imported, content_digest, load_validators, save_validators, validators_from
from .write import article_text, free_path, write_new

PAGE_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class ImportOptions:
    sources: tuple[str, ...]  # addresses and local files, as given
    outlets: tuple[tuple[str, str], ...] = ()  # (feed address, outlet name) from site.yaml
    since: dt.date | None = None
    languages: frozenset[str] | None = frozenset({"ar"})  # None: any language
    dry_run: bool = False


@dataclass(frozen=True)
class Outcome:
    source: str  # the address (or file) of the item
    status: str  # "imported" | "already" | "skipped" | "failed"
    detail: str  # the file written, or why not


@dataclass(frozen=True)
class ImportReport:
    outcomes: tuple[Outcome, ...]
    notes: tuple[str, ...]  # about feeds: unchanged since the last run, empty

    def count(self, status: str) -> int:
        return sum(outcome.status == status for outcome in self.outcomes)


@dataclass(frozen=True)
class _Page:
    """One article page to extract: fetched (or read), or the reason it could not be."""

    address: str
    outlet: str | None = None  # what site.yaml calls its feed's outlet
    feed_title: str | None = None
    entry_date: dt.date | None = None
    response: Response | None = None
    failure: str | None = None


def run_import(config: SiteConfig, options: ImportOptions, today: dt.date | None = None) -> ImportReport:
    """Import every source; the records in .cache/ are saved at the end (not on --dry-run), so an
    interrupted run imports again only what it had not written."""
    fetcher = Fetcher()
    validators = load_validators(config.cache_dir)
    imported = Imported.load(config.cache_dir, config.articles_dir)
    outcomes: list[Outcome] = []
    notes: list[str] = []
    outlets = dict(options.outlets)
    with ThreadPoolExecutor(MAX_PARALLEL) as pool:
        sources = list(pool.map(lambda source: _open_source(fetcher, source, validators), options.sources))
        pages: list[_Page] = []
        for source, opened in zip(options.sources, sources):
            if isinstance(opened, str):
                outcomes.append(Outcome(source, "failed", opened))
            elif isinstance(opened, _Page):
                pages.append(opened)
            else:
                feed_pages, note = _feed_pages(source, opened, outlets.get(source), validators)
                pages.extend(feed_pages)
                notes.extend([note] if note else [])
        wanted = []
        for page in _unique(pages):
            if page.response is None and page.failure is None and imported.has((page.address,)):
                outcomes.append(Outcome(page.address, "already", "imported before"))
            elif options.since and page.entry_date and page.entry_date < options.since:
                outcomes.append(Outcome(page.address, "skipped", f"dated {page.entry_date}, before --since"))
            else:
                wanted.append(page)
        fetched = pool.map(lambda page: _fetch_page(fetcher, page), wanted)
        for page in fetched:
            outcomes.append(_import_page(config, options, page, imported, today or dt.date.today()))
    if not options.dry_run:
        imported.save(config.cache_dir)
        save_validators(config.cache_dir, validators)
    return ImportReport(tuple(outcomes), tuple(notes))


def _open_source(fetcher: Fetcher, source: str, validators: dict) -> str | _Page | tuple[Response, bool]:
    """A page ready to extract, a feed response (with whether it is a local file), or why neither."""
    if "://" not in source:
        return _open_file(Path(source))
    if not is_web_address(source):
        return "not fetched: only http and https addresses are"
    try:
        response = fetcher.get(source, validators.get(source))
    except FetchFailed as failure:
        return str(failure)
    if response.status == 304 or looks_like_feed(response.content_type, response.body):
        return response, False
    return _Page(source, response=response)


def _open_file(path: Path) -> str | _Page | tuple[Response, bool]:
    try:
        body = read_regular(path)
    except OSError as error:
        return f"cannot read this file: {error.strerror or error}"
    if path.suffix.lower() in PAGE_SUFFIXES:
        return _Page(str(path), response=Response(str(path), 200, body, {"content-type": "text/html"}))
    if looks_like_feed("", body):
        return Response(str(path), 200, body, {}), True
    return "not an .html page or an RSS/Atom feed"


def _feed_pages(source: str, opened: tuple[Response, bool], outlet: str | None,
                validators: dict) -> tuple[list[_Page], str | None]:
    response, local = opened
    if response.status == 304:
        return [], f"{source}: unchanged since the last import (HTTP 304)"
    feed = parse_feed(response.body, response.content_type, None if local else response.url)
    if feed is None:
        return [_Page(source, failure="not a readable RSS or Atom feed")], None
    if not local:
        validators[source] = validators_from(response.headers)
    pages = [_Page(entry.link, outlet, feed.title, entry.date) for entry in feed.entries]
    return pages, None if pages else f"{source}: the feed lists no articles"


def _unique(pages: list[_Page]) -> list[_Page]:
    """Each address once, in first-seen order (two feeds often list the same article)."""
    seen: set[str] = set()
    return [page for page in pages if not (page.address in seen or seen.add(page.address))]


def _fetch_page(fetcher: Fetcher, page: _Page) -> _Page:
    if page.response is not None or page.failure is not None:
        return page
    try:
        return dataclasses.replace(page, response=fetcher.get(page.address))
    except FetchFailed as failure:
        return dataclasses.replace(page, failure=str(failure))


def _import_page(config: SiteConfig, options: ImportOptions, page: _Page, imported: Imported,
                 today: dt.date) -> Outcome:
    if page.failure:
        return Outcome(page.address, "failed", page.failure)
    response = page.response
    web_url = response.url if is_web_address(response.url) else None
    article = extract_article(response.text(), web_url)
    if article is None:
        return Outcome(page.address, "failed", "no article text found on the page")
    if options.languages is not None and article.language not in options.languages:
        return Outcome(page.address, "skipped", f"not Arabic (language: {article.language}); "
                                                f"--lang {article.language} imports it")
    date = article.date or page.entry_date or today
    if options.since and date < options.since:
        return Outcome(page.address, "skipped", f"dated {date}, before --since")
    urls = (page.address if is_web_address(page.address) else None, web_url, article.url)
    digest = content_digest(article.paragraphs)
    if imported.has(urls, digest):
        imported.add(urls, digest)
        return Outcome(page.address, "already", "imported before")
    imported.add(urls, digest)
    url = article.url or web_url
    text = article_text(article, date, _outlet(article, page, url), url)
    if options.dry_run:
        path = free_path(config.articles_dir, article.title, date)
    else:
        path = write_new(config.articles_dir, article.title, date, text)
    undated = "" if article.date or page.entry_date else " (no date found: dated today)"
    return Outcome(page.address, "imported", str(path.relative_to(config.root)) + undated)


def _outlet(article: Article, page: _Page, url: str | None) -> str | None:
    """The name site.yaml gives the feed, else the page's own (og:site_name), else the feed's title,
    else the host name."""
    host = urlsplit(url).hostname if url else None
    return page.outlet or article.outlet or page.feed_title or (host.removeprefix("www.") if host else None)
