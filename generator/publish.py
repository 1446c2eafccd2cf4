"""Publishing files beside the HTML pages: Atom feeds, sitemap, robots.txt, .nojekyll, CNAME."""

from __future__ import annotations

from .config import SiteConfig
from .structure import Page, SiteModel


def publish_pages(model: SiteModel, config: SiteConfig, pages: list[Page]) -> list[Page]:
    """The extra files GitHub Pages and feed readers need, derived from the rendered pages."""
    return []
