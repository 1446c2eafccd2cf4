"""What `import` remembers between runs, in the site's .cache/: the addresses and text digests of the
articles it brought in (so a second run adds nothing), and each feed's ETag and Last-Modified (so an
unchanged feed costs one 304 answer). The front matter `url` of every article counts as imported too,
so an article an editor added by hand, or whose cache was deleted, is not fetched again as new.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from ..arabic import normalize
from ..content_files import article_stem
from ..files import read_json_object, read_regular, replace_file
from ..yamlsafe import parse

IMPORTED_FILE = "imported.json"
FEEDS_FILE = "feeds.json"
_FRONT_URL = re.compile(r"^url:.*$", re.MULTILINE)
_HEAD_BYTES = 8192  # the front matter sits at the top of the file


def content_digest(paragraphs: tuple[str, ...]) -> str:
    """The same text under another address (a syndicated copy, a tracking parameter) has the same digest."""
    return hashlib.sha256(normalize("\n".join(paragraphs)).encode("utf-8")).hexdigest()


class Imported:
    """The addresses and digests already imported; grows during a run, so a run does not import twice."""

    def __init__(self, urls: set[str], digests: set[str]):
        self.urls, self.digests = urls, digests

    @classmethod
    def load(cls, cache_dir: Path, articles_dir: Path) -> Imported:
        data = read_json_object(cache_dir / IMPORTED_FILE)
        urls = {u for u in data.get("urls", []) if isinstance(u, str)} | front_matter_urls(articles_dir)
        return cls(urls, {d for d in data.get("digests", []) if isinstance(d, str)})

    def has(self, urls: tuple[str | None, ...] = (), digest: str | None = None) -> bool:
        return digest in self.digests or any(url in self.urls for url in urls if url)

    def add(self, urls: tuple[str | None, ...], digest: str) -> None:
        self.urls.update(url for url in urls if url)
        self.digests.add(digest)

    def save(self, cache_dir: Path) -> None:
        data = {"urls": sorted(self.urls), "digests": sorted(self.digests)}
        replace_file(cache_dir / IMPORTED_FILE, json.dumps(data, ensure_ascii=False, indent=0).encode("utf-8"))


def front_matter_urls(articles_dir: Path) -> set[str]:
    """The `url:` of every article's front matter (its line alone parsed: a whole front matter parse
    of every article would cost seconds at 10,000 articles)."""
    urls = set()
    for path in articles_dir.rglob("*") if articles_dir.is_dir() else ():
        if article_stem(path.name) is None:
            continue
        try:
            head = read_regular(path)[:_HEAD_BYTES].decode("utf-8", errors="replace")
        except OSError:  # a pipe or a broken link under an article's name: `check` reports it
            continue
        if not head.startswith("---"):
            continue
        front = head.split("\n---", 1)[0]
        line = _FRONT_URL.search(front)
        value = parse(line[0]).value if line else None
        if isinstance(value, dict) and isinstance(value.get("url"), str):
            urls.add(value["url"])
    return urls


def load_validators(cache_dir: Path) -> dict[str, dict[str, str]]:
    """Per feed address, the headers of a conditional GET: If-None-Match and If-Modified-Since."""
    data = read_json_object(cache_dir / FEEDS_FILE)
    return {url: {k: v for k, v in headers.items() if isinstance(v, str)}
            for url, headers in data.items() if isinstance(headers, dict)}


def validators_from(headers: dict[str, str]) -> dict[str, str]:
    found = {"If-None-Match": headers.get("etag"), "If-Modified-Since": headers.get("last-modified")}
    return {name: value for name, value in found.items() if value}


def save_validators(cache_dir: Path, validators: dict[str, dict[str, str]]) -> None:
    replace_file(cache_dir / FEEDS_FILE, json.dumps(validators, indent=1, sort_keys=True).encode("utf-8"))
