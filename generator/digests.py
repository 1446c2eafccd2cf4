"""Digests of whole folders, for caches that must not outlive the code or templates they came from."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

CODE_FOLDER = Path(__file__).resolve().parent  # the generator package


def folder_digest(folder: Path) -> str:
    """sha256 over every file's relative path and bytes (compiled-code folders left out)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The generator's own source: a new version invalidates what an older one cached."""
    return folder_digest(CODE_FOLDER)
