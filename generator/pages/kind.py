"""What a page kind declares, in its own module: the pages there are of it, how one is made, and
what it is made from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Callable, Iterable

from .site import Site
from .views import PageRecipe


@dataclass(frozen=True)
class PageKind:
    """One kind of page.

    A page is named by a spec, (kind name, language, arguments…), or (kind name,) for the pages
    outside both languages. `specs(site, lang)` lists the arguments of every page of the kind in one
    language (lang None for those outside them); `recipe(site, lang, *arguments)` makes the page's
    frame and view (`recipe(site)` for a page outside the languages).

    `sources(inputs, lang, *arguments)` is everything the page shows besides code, configuration and
    templates, read without building its view through `inputs.Inputs`, which records each read as
    one of the page's inputs: an unchanged page then costs a digest, not a view, and a page whose
    inputs all read the same as last build is not visited at all (`generator/page_index.py`). Specs
    name listings by key (a month, a briefing), not by position, so a new one does not shift the rest.
    `addresses(site, lang, *arguments)` gives its path and its counterpart's in the other language,
    which a page kept as it was still needs for the sitemap. Kinds without them (a few pages per
    site) are keyed by their whole recipe instead. A test renders every page after each kind of
    edit and compares the bytes with a clean build: what a page shows must be in its sources.
    """

    name: str
    template: str
    specs: Callable[[Site, str | None], Iterable[tuple]]
    recipe: Callable[..., PageRecipe]
    sources: Callable[..., tuple] | None = None
    addresses: Callable[..., tuple[PurePosixPath, PurePosixPath]] | None = None
    in_languages: bool = True  # False: one page outside the language folders (the landing page, the root 404)
    shows_text: bool = False  # its last argument is an article whose whole text it shows (SiteModel.articles)
