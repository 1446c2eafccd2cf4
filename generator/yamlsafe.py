"""The one YAML loader for editor-written files (site.yaml, front matter, glossary).

Safe (no object construction), strict (a duplicate key is an error, not a silent overwrite) and
forgiving where YAML is surprising (a date-shaped value that is no real date stays text, so the
validator can name its key), on libyaml's fast parser when it is installed.
"""

from __future__ import annotations

import yaml

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# What a malformed document can raise besides YAMLError (bad tags, deep nesting, odd scalars).
YAML_ERRORS = (yaml.YAMLError, ValueError, TypeError, AttributeError, OverflowError, RecursionError)


class StrictLoader(_BASE):
    """SafeLoader that refuses duplicate keys and keeps impossible dates as text."""


def _construct_unique_mapping(loader: StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


def _construct_timestamp_or_text(loader: StrictLoader, node: yaml.ScalarNode):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError, AttributeError):  # AttributeError: `!!timestamp` on a non-date
        return loader.construct_scalar(node)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_or_text)


def error_line(exc: BaseException, line_count: int, first_line: int = 1) -> int:
    """The file line of a YAML error: where the parser saw it, or where an unfinished part began when
    that is past the end (an unclosed bracket), else the document's first line. `first_line` is the
    file line the YAML text starts on (2 for front matter, after its `---`)."""
    for mark in (getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)):
        if mark is not None and mark.line < line_count:
            return mark.line + first_line
    return first_line


def error_text(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "the document is nested too deeply"
    return str(getattr(exc, "problem", None) or exc)
