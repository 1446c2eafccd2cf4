"""The one YAML loader for editor-written files (site.yaml, front matter, glossary).

Safe (no object construction), strict (a duplicate key is an error, not a silent overwrite) and
forgiving where YAML is surprising (a date-shaped value that is no real date stays text, so the
validator can name its key), on libyaml's fast parser when it is installed. `parse` never raises:
whatever the text, it gives a value or a problem with its line, so every reader reports it alike.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from typing import Any, Callable

import yaml
from yaml.constructor import ConstructorError

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# What a malformed document can raise besides YAMLError (bad tags, deep nesting, odd scalars).
YAML_ERRORS = (yaml.YAMLError, ValueError, TypeError, AttributeError, OverflowError, RecursionError)
MAX_DIGITS = 4300  # Python's own limit for turning a whole number into text and back
MAX_REPEATED = 10_000  # values that aliases may repeat: past it is a "billion laughs" document, not a config
_TOO_BIG = 10 ** MAX_DIGITS
_SHORT_REPR = reprlib.Repr()  # values quoted in messages: a YAML alias bomb must not be expanded
_SHORT_REPR.maxlevel, _SHORT_REPR.maxlist, _SHORT_REPR.maxdict, _SHORT_REPR.maxstring = 2, 4, 4, 60
_SHORT_REPR.maxset = _SHORT_REPR.maxfrozenset = _SHORT_REPR.maxtuple = _SHORT_REPR.maxother = 4


def quoted(value: Any) -> str:
    """A value for a message: short, even for a huge string or a value repeated by aliases."""
    return _SHORT_REPR.repr(value)


@dataclass(frozen=True)
class Parsed:
    """A YAML document read: its value and node tree, or why it could not be read and on which line."""

    value: Any = None
    node: yaml.Node | None = None
    problem: str | None = None
    line: int | None = None


def parse(text: str, first_line: int = 1) -> Parsed:
    """The document in `text`; `first_line` is the file line it starts on (2 for front matter)."""
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and "*" in text:  # no alias is written without a `*`
            _refuse_alias_bombs(node)
        value = loader.construct_document(node) if node is not None else None
    except YAML_ERRORS as exc:
        return Parsed(problem=error_text(exc), line=error_line(exc, text.count("\n") + 1, first_line))
    finally:
        loader.dispose()
    return Parsed(value, node)


class StrictLoader(_BASE):
    """SafeLoader that refuses duplicate keys and keeps impossible dates as text."""


def _construct_unique_mapping(loader: StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:  # an unhashable key: the base constructor says so, with its line
            continue
        if duplicate:
            raise ConstructorError(None, None, f"duplicate key {quoted(key)}", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


def _construct_timestamp_or_text(loader: StrictLoader, node: yaml.ScalarNode):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError, AttributeError):  # AttributeError: `!!timestamp` on a non-date
        return loader.construct_scalar(node)


def _checked_scalar(name: str, construct: Callable) -> Callable:
    """PyYAML's scalar constructors assume well-formed text: `!!int ""` raises IndexError, `!!bool maybe`
    KeyError. Any such failure, and a number too long to print, becomes an error at the value's line."""
    def construct_checked(loader: StrictLoader, node: yaml.Node):
        text = node.value if isinstance(node.value, str) else ""
        if name in ("!!int", "!!float") and sum(c.isalnum() for c in text) > MAX_DIGITS:
            raise ConstructorError(None, None, f"the number {quoted(text)} has more than {MAX_DIGITS} digits",
                                   node.start_mark)
        try:
            value = construct(loader, node)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, IndexError, KeyError, OverflowError):
            raise ConstructorError(None, None, f"{quoted(text)} is not a valid {name} value",
                                   node.start_mark) from None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _TOO_BIG:  # 0x…, base 60
            raise ConstructorError(None, None, f"the number {quoted(text)} has more than {MAX_DIGITS} digits",
                                   node.start_mark)
        return value
    return construct_checked


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)
for _name in ("bool", "int", "float"):  # the others cannot fail but with a ConstructorError
    _tag = f"tag:yaml.org,2002:{_name}"
    StrictLoader.add_constructor(_tag, _checked_scalar(f"!!{_name}", yaml.SafeLoader.yaml_constructors[_tag]))
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_or_text)


def _refuse_alias_bombs(root: yaml.Node) -> None:
    """Refuse aliases that repeat more than MAX_REPEATED values, or an alias inside the value it names.

    The parser shares what an alias repeats, so reading is cheap, but whatever walks the value (a message
    quoting it, a loop over it) pays for every repetition: nine levels of nine aliases are 387 million
    values. Counted on the node tree, each shared node once, without recursion (nesting may be deep).
    """
    sizes: dict[int, int] = {}  # node → how many values it stands for, aliases expanded
    distinct = 0
    open_nodes: set[int] = set()  # nodes whose children are being counted: meeting one again is a cycle
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, counted = stack.pop()
        children = _children(node)
        if counted:
            open_nodes.discard(id(node))
            size = sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            if size > distinct + MAX_REPEATED:
                raise ConstructorError(None, None, f"too many YAML aliases: they repeat more than "
                                       f"{MAX_REPEATED:,} values", node.start_mark)
        elif id(node) in open_nodes:
            raise ConstructorError(None, None, "a YAML alias stands inside the value it names", node.start_mark)
        elif id(node) not in sizes:
            distinct += 1
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return node.value if isinstance(node, yaml.SequenceNode) else []


def error_line(exc: BaseException, line_count: int, first_line: int = 1) -> int:
    """The file line of a YAML error: where the parser saw it, or where an unfinished part began when
    that is past the end (an unclosed bracket), else the document's first line. `first_line` is the
    file line the YAML text starts on (2 for front matter, after its `---`)."""
    for mark in (getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)):
        if mark is not None and mark.line < line_count:
            return mark.line + first_line
    return first_line


def error_text(exc: BaseException) -> str:
    """Why a document could not be read, in at most 200 characters (an error may quote the text)."""
    if isinstance(exc, RecursionError):
        return "the document is nested too deeply"
    return str(getattr(exc, "problem", None) or exc)[:200]
