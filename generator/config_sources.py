"""The `sources:` key of site.yaml: the feeds `import --feeds` reads every morning.

Kept beside config.py, which walks the rest of site.yaml with the same reader (config_reader.py), so
these errors name file, line and key like every other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .config_reader import YamlReader
from .yamlsafe import quoted


@dataclass(frozen=True)
class FeedSource:
    url: str  # an RSS or Atom feed, http(s)
    outlet: str | None = None  # the outlet's name for `source:`; default: what its pages say


def read_sources(reader: YamlReader, value: Any) -> tuple[FeedSource, ...]:
    """`sources:` as a list of `{url: …, outlet: …}` (or bare URLs)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        reader.error(("sources",), "expected a list of feeds",
                     hint="write `- url: https://example.org/feed.xml` and `outlet: Name`, one item per feed")
        return ()
    sources, seen = [], set()
    for i, item in enumerate(value):
        keys = ("sources", i)
        data = {"url": item} if isinstance(item, str) else reader.mapping(item, keys, {"url", "outlet"})
        url = reader.text(data, keys + ("url",), None)
        parts = urlsplit(url or "")
        if not url or parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
            reader.error(keys + ("url",), f"invalid feed address {quoted(url)}",
                         hint="write the feed's full http:// or https:// address")
            continue
        if url in seen:
            reader.error(keys + ("url",), f"duplicate feed {quoted(url)}", hint="list each feed once")
            continue
        seen.add(url)
        outlet = reader.text(data, keys + ("outlet",), None)
        sources.append(FeedSource(url, " ".join(outlet.split()) if outlet else None))
    return tuple(sources)
