"""The writer's manifest (.cache/manifest.marshal): a record of every file of output/ and of the
spare folder — digest, size, modification time, and the key of the inputs a page was rendered
from — which is how a build knows which files it may keep without reading them (`write.py`).

The records are part of the state a build hands the next (`incremental`): read by
`read_site_files`, saved by `save_site_files` once output/ holds the site they describe, and held in
memory by serve. The writer saves them itself only when a build fails, for the spare it changed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from .state_log import Part, read_part, write_part

MANIFEST = "manifest.marshal"  # marshal's format (a snapshot and a log of changes: `state_log`): a third of JSON's time
OLD_MANIFEST = "manifest.json"  # what versions before the marshal one wrote: removed when found
SPARE_CHANGING = "manifest.spare-changing"  # present while a build changes the spare: its records are void


class FileRecord(NamedTuple):
    """One published file as the manifest remembers it."""

    key: str  # digest of what the file was made from (for rendered pages), else its own digest
    digest: str  # sha256 of the bytes, its first write.DIGEST_LENGTH hex digits
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class SiteFiles:
    """The records of output/ and of the spare folder as one build left them."""

    output: str = ""  # the output folder they describe
    published: dict[str, FileRecord] = field(default_factory=dict)
    spare: dict[str, FileRecord] | None = None  # None: unknown, or changed since (start the spare anew)
    # Handed over in memory by the process that wrote both folders (serve): the writer takes them
    # as they are, without a look at each of their 140,000 files (0.3 s at 10,000 articles).
    as_left: bool = False
    on_disk: bool = False  # exactly what the manifest holds, read or written: changes append to it


def read_site_files(cache_dir: Path, output: Path) -> SiteFiles:
    """What the manifest records for `output` (nothing when it is missing, unreadable or for another
    folder; no spare while the last build's spare-changing mark is there)."""
    part = read_part(cache_dir / MANIFEST)  # None when missing, or written by another Python version
    (cache_dir / OLD_MANIFEST).unlink(missing_ok=True)
    try:
        recorded_output, spare_recorded = part.header
        published, spare = _records(part.tables["files"]), _records(part.tables["spare"])
    except (AttributeError, KeyError, ValueError, TypeError):
        return SiteFiles(str(output))
    if recorded_output != str(output):
        return SiteFiles(str(output))
    if not spare_recorded or (cache_dir / SPARE_CHANGING).exists():
        return SiteFiles(str(output), published, None, on_disk=not spare_recorded)
    return SiteFiles(str(output), published, spare, on_disk=True)


def save_site_files(cache_dir: Path, files: SiteFiles, previous: SiteFiles | None = None) -> SiteFiles:
    """Write `files` (appending what differs from `previous`, when that is what the manifest holds);
    give them back as what the manifest now holds."""
    write_part(cache_dir / MANIFEST, _part(files), _part(previous) if previous is not None and previous.on_disk else None,
               plain={"files": tuple, "spare": tuple})  # marshal writes no named tuples
    (cache_dir / SPARE_CHANGING).unlink(missing_ok=True)
    return replace(files, on_disk=True)


def mark_spare_changing(cache_dir: Path) -> None:
    """Until the next save, the spare's records are not to be trusted (cheaper than saving them all)."""
    (cache_dir / SPARE_CHANGING).touch()


def _records(raw: object) -> dict[str, FileRecord]:
    if not isinstance(raw, dict):
        return {}
    try:
        return {path: FileRecord._make(record) for path, record in raw.items()}
    except TypeError:
        return {}


def _part(files: SiteFiles) -> Part:
    return Part((files.output, files.spare is not None), {"files": files.published, "spare": files.spare or {}})
