"""An article next to its translation, paragraph by paragraph (paired by length where the counts differ)."""

from __future__ import annotations

from pathlib import PurePosixPath

from ..align import align_paragraphs
from ..urls import page_path
from .article import article_page_kinds
from .inputs import Inputs
from .kind import PageKind
from .site import Site
from .text import group_blocks_each, other_language, translation_kind, translation_notice
from .views import BilingualView, Cell, PageRecipe, Text

TEMPLATE = "bilingual.html"


def recipe(site: Site, lang: str, slug: str) -> PageRecipe:
    entry = site.model.by_slug[slug]
    translated = site.model.articles[slug].translated
    english = translated.english
    arabic_title, english_title = Text(entry.meta.title, "ar"), Text(english.title, "en")
    arabic_blocks, english_blocks = translated.clean.blocks, english.blocks
    arabic, translated = group_blocks_each(arabic_blocks), group_blocks_each(english_blocks)
    rows = []
    for ar_range, en_range in align_paragraphs([len(b.text) for b in arabic_blocks],
                                               [len(b.text) for b in english_blocks]):
        ar_cell = Cell("ar", tuple(arabic[i] for i in ar_range))
        en_cell = Cell("en", tuple(translated[i] for i in en_range))
        rows.append((ar_cell, en_cell) if lang == "ar" else (en_cell, ar_cell))
    view = BilingualView(
        title=arabic_title if lang == "ar" else english_title,
        other_title=english_title if lang == "ar" else arabic_title,
        article=page_path("article", lang, entry.slug),
        notice=translation_notice(english, lang),
        notice_kind=translation_kind(english),
        rows=tuple(rows),
    )
    chrome = site.chrome(lang, page_path("bilingual", lang, entry.slug), view.title,
                         counterpart=page_path("bilingual", other_language(lang), entry.slug))
    return PageRecipe(TEMPLATE, chrome, view)


def specs(site: Site, lang: str) -> list[tuple]:
    return [(entry.slug,) for entry in site.model.entries if "bilingual" in article_page_kinds(entry)]


def sources(inputs: Inputs, lang: str, slug: str) -> tuple:
    return "bilingual", lang, slug, inputs.article_sources(slug)


def addresses(site: Site, lang: str, slug: str) -> tuple[PurePosixPath, PurePosixPath]:
    return page_path("bilingual", lang, slug), page_path("bilingual", other_language(lang), slug)


KIND = PageKind("bilingual", TEMPLATE, specs=specs, recipe=recipe, sources=sources, addresses=addresses,
                shows_text=True)
