"""Files the build keeps: small cache and record files replaced whole, and listing a folder's files."""

from __future__ import annotations

import os
from pathlib import Path


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` beside `path`, then rename it over `path` (creating the folder if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def files_below(folder: Path) -> list[str]:
    """Every file below `folder`, as "/"-separated paths relative to it, sorted; plain strings, as this
    lists tens of thousands of files at 10,000 articles."""
    found = []
    for parent, _, names in os.walk(folder):
        inside = os.path.relpath(parent, folder).replace(os.sep, "/")
        prefix = "" if inside == "." else f"{inside}/"
        found.extend(prefix + name for name in names)
    return sorted(found)
