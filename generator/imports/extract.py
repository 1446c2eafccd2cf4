"""Pages and feeds into plain values: trafilatura finds an article's own paragraphs and metadata,
feedparser reads every RSS and Atom dialect. Neither job is one to hand-write: trafilatura scores
the page's blocks to drop navigation, share bars, boxes and comments, and knows the metadata
conventions (Open Graph, JSON-LD, Dublin Core, canonical links); feedparser copes with the broken
feeds real sites serve.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import feedparser
import lxml.html
from trafilatura import bare_extraction

from ..inference import EARLIEST_DATE, LATEST_DATE, infer_date

_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]")
_HTML_LANG = re.compile(r"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]")
_LETTER = re.compile(r"[^\W\d_]")
# The date the page's markup declares (meta tags, JSON-LD, <time>, the address), the first one
# published: htmldate's extensive search would read "© 2024" in a footer as 1 January 2024, where
# our Arabic date parser finds the article's "نشر في 8 مارس 2024".
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
ARABIC_SHARE = 0.5  # of the body's letters: below it a page is not an Arabic article


@dataclass(frozen=True)
class Article:
    title: str
    paragraphs: tuple[str, ...]
    language: str  # "ar", or the page's declared language ("en"…), or "unknown"
    date: dt.date | None = None
    outlet: str | None = None  # og:site_name and the like
    url: str | None = None  # canonical address, when the page declares one
    author: str | None = None


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str
    date: dt.date | None


@dataclass(frozen=True)
class Feed:
    title: str | None
    entries: tuple[FeedEntry, ...]


def looks_like_feed(content_type: str, body: bytes) -> bool:
    """A feed by its media type or, as servers often say text/xml or worse, by its root element."""
    if "html" in content_type.lower():
        return False
    return "rss" in content_type.lower() or "atom" in content_type.lower() or bool(_FEED_ROOT.search(body[:2048]))


def parse_feed(body: bytes, content_type: str, url: str | None) -> Feed | None:
    """The feed's title and its entries' links (made absolute), or None when the bytes are no feed."""
    headers = {"content-type": content_type or "application/xml"}
    if url:
        headers["content-location"] = url
    parsed = feedparser.parse(body, response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        return None
    entries = tuple(FeedEntry(entry.get("link", ""), entry.get("title", ""), _entry_date(entry))
                    for entry in parsed.entries if entry.get("link"))
    return Feed(parsed.feed.get("title") or None, entries)


def _entry_date(entry) -> dt.date | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return _bounded(dt.date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday)) if stamp else None


def extract_article(html: str, url: str | None) -> Article | None:
    """The article's own text and metadata, or None when the page holds no article text.

    Precision over recall: a sentence of furniture in a published briefing is worse than a lost
    sentence of text. Tables and images are left out (a photo's caption and credit go with it).
    """
    found = bare_extraction(html, url=url, with_metadata=True, favor_precision=True, include_comments=False,
                            include_tables=False, include_images=False, include_links=False,
                            date_extraction_params=_DATE_PARAMS)
    if found is None or not (found.text or "").strip():
        return None
    title = " ".join((found.title or "").split())
    paragraphs = [" ".join(line.split()) for line in found.text.splitlines()]
    paragraphs = [p for p in paragraphs if p]
    while paragraphs and title and paragraphs[0] == title:  # the headline is the title, not the first paragraph
        paragraphs.pop(0)
    if not paragraphs:
        return None
    return Article(
        title=title or paragraphs[0][:160],
        paragraphs=tuple(paragraphs),
        language=_language(paragraphs, html),
        date=_iso_date(found.date) or infer_date("\n\n".join(paragraphs)) or infer_date(_page_text(html)),
        outlet=_outlet(found.sitename, url),
        url=found.url if found.url and found.url.startswith(("http://", "https://")) else None,
        author=_text(found.author),
    )


def _language(paragraphs: list[str], html: str) -> str:
    """"ar" when most of the text's letters are Arabic; else what <html lang> says, else "unknown"."""
    text = " ".join(paragraphs)
    letters = len(_LETTER.findall(text))
    if letters and len(_ARABIC_LETTER.findall(text)) / letters >= ARABIC_SHARE:
        return "ar"
    declared = _HTML_LANG.search(html[:4096])
    language = declared[1].lower() if declared else "unknown"
    return "unknown" if language == "ar" else language


def _iso_date(value: str | None) -> dt.date | None:
    try:
        return _bounded(dt.date.fromisoformat(value[:10])) if value else None
    except ValueError:
        return None


def _bounded(date: dt.date) -> dt.date | None:
    return date if EARLIEST_DATE <= date <= LATEST_DATE else None


def _page_text(html: str) -> str:
    """The page's visible text, a paragraph per line, for the Arabic date parser (a "نشر في 5 مارس 2024"
    stamp sits outside the article's paragraphs)."""
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for element in tree.xpath("//script|//style"):
        element.drop_tree()
    return "\n\n".join(line.strip() for line in tree.text_content().splitlines() if line.strip())


def _outlet(site_name: str | None, url: str | None) -> str | None:
    """The page's declared site name; trafilatura's stand-in, the address's host, is not one."""
    host = urlsplit(url) if url else None
    name = _text(site_name)
    return None if host and name in (host.netloc, host.hostname) else name


def _text(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None
