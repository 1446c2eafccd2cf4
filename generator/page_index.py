"""The page index: what each page of the last build was made from, so a rebuild visits only the pages
whose inputs changed.

For every page keyed by its sources it keeps the page's spec, path, key, the inputs its sources read
(`pages/inputs.py`), its sitemap entry and search entry; and for every input, a fingerprint of what
it read. A rebuild reads each input once, compares the fingerprints, and hands back unvisited every
page none of whose inputs changed: its key is the one kept (its sources would read the same values),
so neither its view nor its sources are made again. At 10,000 articles that is 49,000 pages of which
an added article changes a few dozen.

The index holds for one salt (code and configuration) and one set of template digests: any change
to those and it is dropped whole, or for the kinds whose template changed. It is a cache, never
trusted alone: a page it keeps must also be in output/ exactly as the manifest says it was written
with that key. It is plain data in marshal's format (`.cache/pages.marshal`, a snapshot and a log
of changes: `state_log`), taken in as the previous state and handed out as the next by
`SiteRenderer`; the build saves it once output/ holds the site it describes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .state_log import Part, read_part, write_part

FILE = "pages.marshal"
VERSION = 2


class KeptPage(NamedTuple):
    """One page as the index remembers it."""

    path: str
    key: str
    inputs: tuple  # the inputs its sources read, e.g. (("article", slug), ("story", story_id), …)
    sitemap: str
    search: tuple | None  # SearchEntry fields but the record: (url, language, slug, datetime, key)


@dataclass(frozen=True)
class PageIndex:
    salt: str = ""
    templates: dict[str, str] = field(default_factory=dict)  # page kind → digest of its template
    fingerprints: dict[tuple, str] = field(default_factory=dict)  # input → fingerprint of what it read
    pages: dict[tuple, KeptPage] = field(default_factory=dict)  # spec → page
    on_disk: bool = field(default=False, compare=False)  # what .cache/ holds, read or written: changes append to it


def kept_page_index(cache_dir: Path) -> PageIndex:
    """The index the last build left, or an empty one (none, another version, unreadable)."""
    part = read_part(cache_dir / FILE)
    try:
        version, salt, templates = part.header
        if version != VERSION:
            return PageIndex()
        pages = {spec: KeptPage._make(page) for spec, page in part.tables["pages"].items()}
        return PageIndex(salt, templates, part.tables["fingerprints"], pages, on_disk=True)
    except (AttributeError, KeyError, ValueError, TypeError):
        return PageIndex()


def keep_page_index(cache_dir: Path, index: PageIndex, previous: PageIndex = PageIndex()) -> PageIndex:
    """Write `index` (appending what differs from `previous`, when that is what .cache/ holds);
    give it back as what .cache/ now holds."""
    write_part(cache_dir / FILE, _part(index), _part(previous) if previous.on_disk else None,
               plain={"pages": tuple})  # marshal writes no named tuples
    return PageIndex(index.salt, index.templates, index.fingerprints, index.pages, on_disk=True)


def _part(index: PageIndex) -> Part:
    return Part((VERSION, index.salt, index.templates), {"fingerprints": index.fingerprints, "pages": index.pages})
