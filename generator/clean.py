"""Clean stage: turn the Markdown body into plain blocks and drop web-page residue.

Residue (\"تحميل المزيد\", photo credits, publication stamps, a repeated headline) is removed by
rules from site.yaml; every removal is recorded so `build --verbose` can list it. A rule written in
site.yaml runs with a time limit: one that backtracks without end stops the build with a message
naming it, instead of stalling it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .arabic import normalize
from .config import CONFIG_NAME, CleaningRule, compile_rule
from .sentences import split_sentences
from .structure import Block, BuildFailed, CleanArticle, Diagnostic, Removal, SourceArticle
from .yamlsafe import quoted

HEAD_BLOCKS = 5  # "head" rules look at this many first blocks
TAIL_BLOCKS = 3  # "tail" rules look at this many last blocks
RULE_SECONDS = 1.0  # a site.yaml rule matching one block for longer is backtracking without end
_BLOCK_KINDS = {"paragraph_open": "p", "heading_open": "h", "blockquote_open": "quote", "list_item_open": "li"}
SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]+")  # browsers drop these inside and around a URL's scheme


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """CommonMark with raw HTML off and only web links kept: content can never inject markup or script."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = is_safe_link
    return md


def is_safe_link(url: str) -> bool:
    """http(s), mailto and scheme-less (relative) links only: no javascript:, data:, vbscript:, file: ...

    The scheme is read the way a browser reads it, after percent- and control-character tricks
    like `java%09script:` or a control character before `javascript:` are undone.
    """
    plain = _IGNORED_BY_BROWSERS.sub("", unquote(url)).lower()
    scheme = _SCHEME.match(plain)
    return scheme is None or scheme.group(1) in SAFE_SCHEMES


@lru_cache(maxsize=64)
def _search(rule: CleaningRule) -> Callable[[str], object]:
    """Whether a block matches the rule: the built-in rules on `re`, known not to backtrack (and 4 to 10
    times faster than `regex` with a time limit, which costs about 1 µs a call); site.yaml's on `regex`
    with a time limit."""
    if rule.line is None:
        return re.compile(rule.pattern).search
    pattern = compile_rule(rule.pattern)

    def search_timed(text: str) -> bool:
        try:
            return pattern.search(text, timeout=RULE_SECONDS) is not None
        except TimeoutError:
            raise _TooSlow(rule) from None
    return search_timed


class _TooSlow(Exception):
    """A site.yaml rule ran out of time on a block."""

    def __init__(self, rule: CleaningRule):
        super().__init__(rule.name)
        self.rule = rule


def clean_article(article: SourceArticle, rules: tuple[CleaningRule, ...]) -> CleanArticle:
    """The article's blocks without the residue the rules find; BuildFailed naming a rule that ran too long."""
    blocks = parse_blocks(article.body, plain=article.path.lower().endswith(".txt"))
    kept, removals = apply_rules(blocks, rules, article)
    return CleanArticle(article, tuple(kept), tuple(removals))


def parse_blocks(body: str, plain: bool = False) -> list[Block]:
    """Blocks of a body: every non-empty line of a .txt file, or the block structure of Markdown."""
    if plain:
        return [_block("p", line.strip(), "") for line in body.split("\n") if line.strip()]
    md = markdown_parser()
    tokens = md.parse(body)
    blocks: list[Block] = []
    context: list[str] = []
    for token in tokens:
        if token.type in _BLOCK_KINDS:
            kind = _BLOCK_KINDS[token.type]
            context.append("h2" if kind == "h" and token.tag in ("h1", "h2") else "h3" if kind == "h" else kind)
        elif token.type.endswith("_close") and token.type.replace("_close", "_open") in _BLOCK_KINDS:
            context.pop()
        elif token.type in ("inline", "code_block", "fence") and token.content.strip():
            kind = next((k for k in reversed(context) if k != "p"), "p") if context else "p"
            if token.type == "inline":
                text = _inline_text(token.children or [])
                html = md.renderer.renderInline(token.children or [], md.options, {})
            else:
                text, html = token.content.strip(), ""
            if text.strip():
                blocks.append(_block(kind, text, html))
    return blocks


def _inline_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts).strip()


def _block(kind: str, text: str, html: str) -> Block:
    sentences = tuple(s for line in text.split("\n") for s in split_sentences(line))
    flat = " ".join(sentences)
    # Soft line breaks become sentence boundaries; the markdown HTML keeps the inline markup.
    return Block(kind, flat, sentences, html.replace("\n", " ") if html else "")


def apply_rules(blocks: list[Block], rules: tuple[CleaningRule, ...],
                article: SourceArticle) -> tuple[list[Block], list[Removal]]:
    kept: list[Block] = []
    removals: list[Removal] = []
    title = normalize(article.meta.title)
    source = normalize(article.meta.source or "")
    for index, block in enumerate(blocks):
        try:
            reason = _removal_reason(block, index, len(blocks), rules, title, source)
        except _TooSlow as slow:
            rule = slow.rule
            raise BuildFailed([Diagnostic(
                "error", CONFIG_NAME, f"cleaning rule {quoted(rule.name)} ran for more than {RULE_SECONDS:g} s on "
                f"one paragraph of {article.path} and was stopped", line=rule.line, key=rule.key,
                hint="the pattern backtracks without end on some text, as overlapping repeats like (a|a)* do: "
                     "rewrite it so each part of a line can match in only one way")]) from None
        if reason:
            removals.append(Removal(reason, block.text))
        else:
            kept.append(block)
    return kept, removals


def _removal_reason(block: Block, index: int, count: int, rules: tuple[CleaningRule, ...],
                    title: str, source: str) -> str | None:
    in_head = index < HEAD_BLOCKS
    in_tail = index >= count - TAIL_BLOCKS
    normalized = normalize(block.text)
    if in_head and index == 0 and normalized == title and count > 1:
        return "repeated-title"
    if in_head and source and normalized == source:
        return "source-line"
    for rule in rules:
        if (rule.where == "head" and not in_head) or (rule.where == "tail" and not in_tail):
            continue
        if _search(rule)(block.text):
            return rule.name
    return None
