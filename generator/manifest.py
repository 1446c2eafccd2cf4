"""The writer's manifest (.cache/manifest.marshal): a record of every file of output/ and of the
spare folder — digest, size, modification time, and the key of the inputs a page was rendered
from — which is how a build knows which files it may keep without reading them (`write.py`)."""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import NamedTuple

from .files import replace_file

MANIFEST = "manifest.marshal"  # plain data in marshal's format: loads and saves in a third of JSON's time
OLD_MANIFEST = "manifest.json"  # what versions before the marshal one wrote: removed when found
SPARE_CHANGING = "manifest.spare-changing"  # present while a build changes the spare: its records are void


class FileRecord(NamedTuple):
    """One published file as the manifest remembers it."""

    key: str  # digest of what the file was made from (for rendered pages), else its own digest
    digest: str  # sha256 of the bytes, its first write.DIGEST_LENGTH hex digits
    size: int
    mtime_ns: int


class Manifest:
    """The records of output/ and of the spare folder, read once per build."""

    def __init__(self, cache_dir: Path, output: Path):
        self.path = cache_dir / MANIFEST
        self.spare_changing = cache_dir / SPARE_CHANGING
        self.output = output
        try:
            data = marshal.loads(self.path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):  # missing, or written by another Python version
            data = {}
        valid = isinstance(data, dict) and data.get("output") == str(output)
        self.published = _records(data.get("files")) if valid else {}
        trusted = valid and data.get("spare") is not None and not self.spare_changing.exists()
        self.spare = _records(data.get("spare")) if trusted else None
        (cache_dir / OLD_MANIFEST).unlink(missing_ok=True)

    def save(self, published: dict[str, FileRecord], spare: dict[str, FileRecord] | None) -> None:
        data = {"output": str(self.output), "files": _plain(published),
                "spare": None if spare is None else _plain(spare)}
        replace_file(self.path, marshal.dumps(data))
        self.spare_changing.unlink(missing_ok=True)

    def mark_spare_changing(self) -> None:
        """Until the next save, the spare's records are not to be trusted (cheaper than saving them all)."""
        self.spare_changing.touch()


def _records(raw: object) -> dict[str, FileRecord]:
    if not isinstance(raw, dict):
        return {}
    try:
        return {path: FileRecord._make(record) for path, record in raw.items()}
    except TypeError:
        return {}


def _plain(records: dict[str, FileRecord]) -> dict[str, tuple]:
    """The records as tuples: marshal writes built-in types only."""
    return {path: tuple(record) for path, record in records.items()}
