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

from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping, NamedTuple

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
    # input → specs of the pages that read it: `pages` turned around, so that the pages a change
    # touches are looked up, not searched for. Not kept on disk, and made only for a process that
    # builds again (`with_readers`: 0.4 s at 10,000 articles, five times a search of `pages`),
    # which then hands it on updated by what each build changed. None: not made.
    readers: Mapping[tuple, frozenset] | None = field(default=None, compare=False, repr=False)


def with_readers(index: PageIndex) -> PageIndex:
    """`index` with its readers, made from its pages if it has none."""
    if index.readers is not None:
        return index
    readers = defaultdict(list)
    for spec, page in index.pages.items():
        for name in page.inputs:
            readers[name].append(spec)
    return replace(index, readers={name: frozenset(specs) for name, specs in readers.items()})


def updated_readers(readers: Mapping[tuple, frozenset], gone: Iterable[tuple], rekeyed: Mapping[tuple, tuple],
                    previous: Mapping[tuple, KeptPage]) -> dict[tuple, frozenset]:
    """`readers` without the pages `gone` and with those `rekeyed` (spec → the inputs they read now
    instead of what `previous` says): a pass over what changed, not over the site. Inputs no page
    reads any more are dropped."""
    removed: dict[tuple, set] = defaultdict(set)
    added: dict[tuple, set] = defaultdict(set)
    for spec in (*gone, *rekeyed):
        if spec in previous:
            for name in previous[spec].inputs:
                removed[name].add(spec)
    for spec, inputs in rekeyed.items():
        for name in inputs:
            added[name].add(spec)
    updated = dict(readers)
    for name in removed.keys() | added.keys():
        specs = (updated.get(name, frozenset()) - removed.get(name, set())) | added.get(name, set())
        if specs:
            updated[name] = frozenset(specs)
        else:
            updated.pop(name, None)
    return updated


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
    return PageIndex(index.salt, index.templates, index.fingerprints, index.pages, on_disk=True, readers=index.readers)


def _part(index: PageIndex) -> Part:
    return Part((VERSION, index.salt, index.templates), {"fingerprints": index.fingerprints, "pages": index.pages})
