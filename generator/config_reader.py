"""Reading a YAML file (site.yaml) with the line of every value: typed accessors that report a
wrong value as a Diagnostic naming the file, line and dotted key, then carry on with the default.
config.py reads site.yaml's sections with them; config_sources.py its `sources:`."""

from __future__ import annotations

from typing import Any

import yaml

from .structure import Diagnostic
from .yamlsafe import quoted


class YamlReader:
    """Walks parsed YAML with its node tree alongside, so every message carries a line number; the
    problems found pile up in `problems`, so one run reports them all."""

    def __init__(self, filename: str, node: yaml.Node | None):
        self.filename = filename
        self.root = node
        self.problems: list[Diagnostic] = []

    def line_of(self, keys: tuple[Any, ...]) -> int | None:
        node = self.root
        line = node.start_mark.line + 1 if node is not None else None
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                match = next(((k, v) for k, v in node.value if k.value == key), None)
                if match is None:
                    return line
                line, node = match[0].start_mark.line + 1, match[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                line = node.start_mark.line + 1
            else:
                return line
        return line

    def error(self, keys: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        dotted = ".".join(str(k)[:60] for k in keys) or None
        self.problems.append(Diagnostic("error", self.filename, message, self.line_of(keys), dotted, hint))

    def mapping(self, value: Any, keys: tuple[Any, ...], allowed: set[str]) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(keys, f"expected a mapping, found {type(value).__name__}")
            return {}
        for key in value:
            if key not in allowed:
                self.error(keys + (key,), f"unknown key {quoted(key)}", hint="allowed: " + ", ".join(sorted(allowed)))
        return value

    def text(self, data: dict, keys: tuple[Any, ...], default: str | None) -> str | None:
        value = data.get(keys[-1], default)
        if value is not None and not isinstance(value, (str, int, float)):
            self.error(keys, f"expected text, found {type(value).__name__}")
            return default
        return None if value is None else str(value)

    def number(self, data: dict, keys: tuple[Any, ...], default, kind=int, low=1, high=10_000):
        value = data.get(keys[-1], default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not isinstance(value, int)):
            self.error(keys, f"expected a {'whole ' if kind is int else ''}number, found {quoted(value)}")
            return default
        if not low <= value <= high:
            self.error(keys, f"{value} is out of range", hint=f"use a value from {low} to {high}")
            return default
        return kind(value)

    def choice(self, data: dict, keys: tuple[Any, ...], default: str, options: tuple[str, ...]) -> str:
        value = data.get(keys[-1], default)
        if value not in options:
            self.error(keys, f"{quoted(value)} is not one of {', '.join(options)}")
            return default
        return value

    def bilingual(self, data: dict, keys: tuple[Any, ...], default_ar: str, default_en: str) -> tuple[str, str]:
        value = data.get(keys[-1])
        if value is None:
            return default_ar, default_en
        if isinstance(value, str):
            return value, value
        parts = self.mapping(value, keys, {"ar", "en"})
        return (self.text(parts, keys + ("ar",), default_ar) or default_ar,
                self.text(parts, keys + ("en",), default_en) or default_en)

    def words(self, data: dict, keys: tuple[Any, ...]) -> tuple[str, ...]:
        value = data.get(keys[-1]) or []
        if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
            self.error(keys, "expected a list of words or phrases")
            return ()
        return tuple(w.strip() for w in value)
