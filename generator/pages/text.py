"""Text as pages show it: marked with its language and direction, counted in Arabic's dual and plural
forms, blocks of body text as HTML groups, and who translated the English."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Iterable
from types import MappingProxyType
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from ..dates import format_number
from ..structure import Block, EnglishVersion
from ..ui import UI
from .views import BlockGroup, Pager, Text

DIRECTION = MappingProxyType({"ar": "rtl", "en": "ltr"})
_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff"
                            "\ufb50-\ufdff\ufe70-\ufefc]")
_LETTER = re.compile(r"[^\W\d_]")


def guess_language(text: str) -> str | None:
    """Return "ar" for text with Arabic letters, else None: Latin text may be in any language."""
    return "ar" if _ARABIC_LETTER.search(text) else None


def phrase(page_lang: str, value: Text | str) -> Markup:
    """Escaped text, marked with lang/dir when it is not in the page's language.

    Text of known language gets <span lang dir>; text of unknown language is isolated in <bdi>:
    with lang="ar" dir="rtl" when it holds Arabic letters on an English page (no Arabic run is ever
    tagged as English), with dir="ltr" when an Arabic page quotes a Latin-script name.
    """
    text = value if isinstance(value, Text) else Text(value)
    escaped = escape(text.value)  # the languages put in attributes are keys of DIRECTION: "ar", "en"
    if text.lang == page_lang:
        return escaped
    if text.lang is not None:
        return Markup(f'<span lang="{text.lang}" dir="{DIRECTION[text.lang]}">{escaped}</span>')
    guessed = guess_language(text.value)
    if guessed is not None and guessed != page_lang:
        return Markup(f'<bdi lang="{guessed}" dir="{DIRECTION[guessed]}">{escaped}</bdi>')
    if guessed is None and page_lang == "ar" and _LETTER.search(text.value):
        return Markup(f'<bdi dir="ltr">{escaped}</bdi>')
    return Markup(f"<bdi>{escaped}</bdi>")


@lru_cache(maxsize=None)  # a handful of pairs, asked for from every element of every page
def lang_attributes(page_lang: str, lang: str | None) -> Markup:
    """' lang="ar" dir="rtl"' for an element whose content is not in the page's language, else ''."""
    if lang is None or lang == page_lang:
        return Markup("")
    return Markup(f' lang="{lang}" dir="{DIRECTION[lang]}"')


def paged_title(title: Text, pager: Pager | None) -> Text:
    """A listing's title, with "page n of N" from its second page on."""
    if pager is None or pager.number == 1:
        return title
    return Text(f"{title.value} — {pager.label}", title.lang)


def script_json(data: object) -> Markup:
    """JSON that is safe inside a <script> element: no "<", ">" or "&" can end it or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def web_url(url: str | None) -> str | None:
    """The URL if it is an http(s) address; anything else (javascript:, data:) is never linked."""
    if url and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return url.strip()
    return None


def count_articles(count: int, lang: str, digits: str) -> str:
    """"12 articles" / "12 مقالًا", with Arabic's dual and plural forms."""
    number = format_number(count, lang, digits)
    if lang != "ar":
        return f"{number} article" if count == 1 else f"{number} articles"
    if count == 0:
        return "لا مقالات"
    if count == 1:
        return "مقال واحد"
    if count == 2:
        return "مقالان"
    if 3 <= count % 100 <= 10:
        return f"{number} مقالات"
    if 11 <= count % 100 <= 99:
        return f"{number} مقالًا"
    return f"{number} مقال"


def count_outlets(count: int, lang: str, digits: str) -> str:
    """"5 outlets" / "5 مصادر", as the object of "from" (Arabic's genitive dual: مصدرين)."""
    if count == 1:
        return UI[lang]["outlet_one"]
    if count == 2:
        return UI[lang]["outlet_two"]
    number = format_number(count, lang, digits)
    if lang != "ar" or 3 <= count % 100 <= 10:
        return UI[lang]["outlet_few"].format(count=number)
    return UI[lang]["outlet_many" if count % 100 > 10 else "outlet_hundreds"].format(count=number)


def group_blocks(blocks: Iterable[Block]) -> tuple[BlockGroup, ...]:
    """Blocks as HTML groups; consecutive list items are gathered into one list."""
    groups: list[BlockGroup] = []
    for block in blocks:
        kind = "ul" if block.kind == "li" else block.kind
        content = block_content(block)
        if kind == "ul" and groups and groups[-1].kind == "ul":
            groups[-1] = BlockGroup("ul", groups[-1].items + (content,))
        else:
            groups.append(BlockGroup(kind, (content,)))
    return tuple(groups)


def block_content(block: Block) -> Markup:
    """The block's markdown-it inline HTML (already safe) when present, else its escaped text."""
    return Markup(block.html) if block.html else escape(block.text)


def group_blocks_each(blocks: Iterable[Block]) -> tuple[BlockGroup, ...]:
    """One group per block (list items stay single), so block i of each language can sit side by side."""
    return tuple(BlockGroup("ul" if b.kind == "li" else b.kind, (block_content(b),)) for b in blocks)


def translation_kind(english: EnglishVersion | None) -> str:
    return "pending" if english is None else english.origin


def translation_notice(english: EnglishVersion | None, lang: str = "en") -> Markup:
    """Who made the English text: pending, the editors, or a named machine translation model."""
    ui = UI[lang]
    if english is None:
        return escape(ui["pending"])
    if english.origin == "editor":
        return escape(ui["editor"])
    return escape(ui["machine"]).format(credit=Markup("<bdi>{}</bdi>").format(english.credit))


def other_language(lang: str) -> str:
    """The other of the site's two languages."""
    return "en" if lang == "ar" else "ar"
