"""Where every page lives, and how one page links to another.

The pages there are thousands of (articles, their bilingual views, daily briefings, stories) are files side
by side, `en/articles/<slug>.html`, as Pelican writes them; the others are folders with an
index.html (`en/themes/<theme>/`), since pages sit below them (a theme's years, the months of the
archive). A folder per page would cost 43,000 folders at 10,000 articles, made twice by a clean
build (output/ and its spare), and making a folder costs several times what writing a small file
does on ext4 (bench/README.md).

Links between pages are relative ("../../themes/x/") so the site works under any sub-path;
only canonical and Open Graph tags use absolute URLs, and only when base_url is absolute.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

LANGUAGES = ("ar", "en")
INDEX = "index.html"
_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9._~-]*")  # what quote() leaves as it is

# page kind -> folders between the language and the page (its own folder, or its file for _FILE_KINDS)
_KIND_FOLDERS = {
    "home": (),
    "article": ("articles",),
    "bilingual": ("bilingual",),
    "briefing": ("briefings",),
    "story": ("stories",),
    "theme": ("themes",),
    "theme_year": ("themes",),
    "themes": ("themes",),
    "archive": ("archive",),
    "month": ("archive",),
}
_FILE_KINDS = {"article", "bilingual", "briefing", "story"}  # <key>.html, not <key>/index.html
_KEYED = {"article", "bilingual", "briefing", "story", "theme", "theme_year", "month"}
_PAGED = {"briefing", "theme_year", "month"}  # listings long enough to be split into pages (paging.py)
_SAFE_SEGMENT = re.compile(r"^(?!\.{1,2}$)[^/\\\x00-\x1f]+$")
_MONTH_KEY = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_DAY_KEY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")


@lru_cache(maxsize=1 << 17, typed=True)  # asked for from every page that links to it; typed: 2.0 is no page
def page_path(kind: str, lang: str | None = None, key: str | None = None, page: int = 1) -> PurePosixPath:
    """The output file of a page, e.g. page_path("theme", "en", "trade") -> en/themes/trade/index.html,
    page_path("article", "ar", "x") -> ar/articles/x.html, page_path("bilingual", "ar", "x") -> ar/bilingual/x.html.

    `page`: the page of a listing split into pages (briefing, theme_year, month). Page 1 is the
    listing's own address; page n of a folder page is a folder below it, as Hugo writes them
    (en/archive/2023/03/page/2/index.html), of a file page a file beside its folder
    (en/briefings/2023-03-17/page/2.html).

    Kinds: home, article, bilingual, briefing, story (key: the story's id), theme, theme_year (key from `theme_year_key`), themes,
    archive, month (key "YYYY-MM"), not-found (lang None = the root 404.html), root (the landing
    index.html), static (key = file path).
    """
    if type(page) is not int or page < 1:  # True is no page number
        raise ValueError(f"a page number is a whole number from 1, not {page!r}")
    if page > 1 and kind not in _PAGED:
        raise ValueError(f"{kind} pages are not split into pages")
    if kind == "root":
        return PurePosixPath(INDEX)
    if kind == "static":
        if not key or not all(_SAFE_SEGMENT.match(part) for part in key.split("/")):
            raise ValueError(f"invalid static file name {key!r}")
        return PurePosixPath("static", key)
    if kind == "not-found":
        if lang is None:
            return PurePosixPath("404.html")
        return PurePosixPath(_language(lang), "404.html")
    if kind not in _KIND_FOLDERS:
        raise ValueError(f"unknown page kind {kind!r}")
    parts = [_language(lang), *_KIND_FOLDERS[kind]]
    if kind in _KEYED:
        parts.extend(_key_parts(kind, key))
    elif key is not None:
        raise ValueError(f"page kind {kind!r} takes no key")
    if page > 1:
        parts += ["page", str(page)]
    if kind in _FILE_KINDS:
        return PurePosixPath(*parts[:-1], f"{parts[-1]}.html")
    return PurePosixPath(*parts, INDEX)


def _language(lang: str | None) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    return lang


def search_path(lang: str) -> PurePosixPath:
    """The search page of one language: <lang>/search/index.html."""
    return PurePosixPath(_language(lang), "search", INDEX)


def theme_year_key(theme_id: str, year: str) -> str:
    """The key of a theme's page for one year: en/themes/<theme>/<year>/index.html."""
    return f"{theme_id}/{year}"


def _key_parts(kind: str, key: str | None) -> list[str]:
    if kind == "theme_year" and key:
        theme_id, _, year = key.rpartition("/")
        if not _YEAR.match(year):
            raise ValueError(f"a theme's year page needs a four-digit year, not {key!r}")
        return _key_parts("theme", theme_id) + [year]
    if not key or not _SAFE_SEGMENT.match(key):
        raise ValueError(f"invalid key {key!r} for a {kind} page")
    if kind == "month":
        match = _MONTH_KEY.match(key)
        if not match:
            raise ValueError(f"month key must be YYYY-MM, not {key!r}")
        return [match.group(1), match.group(2)]
    if kind == "briefing" and not _DAY_KEY.match(key):
        raise ValueError(f"briefing key must be YYYY-MM-DD, not {key!r}")
    return [key]


@lru_cache(maxsize=1 << 16)
def href_path(page: PurePosixPath) -> str:
    """The page's address relative to the site root: folders for index.html pages ("en/themes/x/")."""
    parts = list(page.parts)
    if parts and parts[-1] == INDEX:
        folders = parts[:-1]
        return "".join(_quoted(p) + "/" for p in folders)
    return "/".join(_quoted(p) for p in parts)


def _quoted(segment: str) -> str:
    """A path segment percent-encoded; most are plain ASCII slugs, which need no encoding."""
    return segment if _PLAIN_SEGMENT.fullmatch(segment) else quote(segment, safe="")


def relative_url(from_page: PurePosixPath, to_page: PurePosixPath) -> str:
    """A link from one output file to another that resolves correctly wherever the site is hosted."""
    return _link_from_folder(from_page.parts[:-1], to_page)


@lru_cache(maxsize=1 << 16)  # keyed by folder: the 20,000 article pages of a language share theirs
def _link_from_folder(source_folder: tuple[str, ...], to_page: PurePosixPath) -> str:
    target = href_path(to_page)
    target_parts = target.split("/")  # a folder address ends with "" after its last "/"
    target_folders, target_leaf = target_parts[:-1], target_parts[-1]
    shared = 0
    quoted_source = [_quoted(p) for p in source_folder]
    while (shared < len(quoted_source) and shared < len(target_folders)
           and quoted_source[shared] == target_folders[shared]):
        shared += 1
    ups = "../" * (len(source_folder) - shared)
    downs = "".join(f + "/" for f in target_folders[shared:])
    return (ups + downs + target_leaf) or "./"


def rooted_url(base_url: str, page: PurePosixPath) -> str:
    """base_url + the page's address: for pages served from any depth, such as the 404 page."""
    return (base_url if base_url.endswith("/") else base_url + "/") + href_path(page)


def absolute_url(base_url: str, page: PurePosixPath) -> str | None:
    """The page's full http(s) URL, or None when base_url is only a path (then canonical tags are omitted)."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return rooted_url(base_url, page)
