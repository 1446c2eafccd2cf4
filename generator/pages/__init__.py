"""The page kinds of a site, each in a module of its own with its keys, view, template and sources
(`kind.PageKind` says what each declares). To add a kind, write its module and list it here;
`generator/render.py` renders every kind listed, in this order, in each language."""

from __future__ import annotations

from types import MappingProxyType

from . import (archive, article, bilingual, briefing, home, month, not_found, root, search, story, theme, theme_year,
               themes)
from .kind import PageKind

KINDS: MappingProxyType[str, PageKind] = MappingProxyType({kind.name: kind for kind in (
    root.KIND, not_found.ROOT_KIND,
    home.KIND, themes.KIND, archive.KIND, not_found.KIND, search.KIND,
    briefing.KIND, article.KIND, bilingual.KIND, story.KIND, theme.KIND, theme_year.KIND, month.KIND,
)})
