"""Site search: a Pagefind index of the rendered pages, one per language."""

from __future__ import annotations

from .config import SiteConfig
from .structure import Page


def search_pages(pages: list[Page], config: SiteConfig) -> list[Page]:
    """The Pagefind index files for `pages`, as Pages under pagefind/."""
    return []
