"""A part of the incremental state on disk as a snapshot plus a log of what each build changed.

At 10,000 articles the page index, the writer's records and the article index weigh 60 MB; an
added article changes a few dozen of their entries. Rewriting them whole took 0.6 s of a 5 s
add-one (marshal's dumps and the writes); appending the changed entries takes milliseconds.

A part is a small `header` and named tables (dicts of marshal-able keys and values). The snapshot
(`<name>`) holds them whole after a generation id (random bytes); the log (`<name>.log`) holds
records of (generation, header, per table: the entries set and the keys removed), each framed by
its length and CRC-32. Reading applies the log's records of the snapshot's generation, in order, and stops at
the first damaged one (a build killed while appending): the part is then as an earlier build left
it, which its owner checks before use like any other part older than output/. Once the log has
grown past a quarter of the snapshot, the next write is a new snapshot (a new generation: the old
log's records no longer apply) and an empty log.
"""

from __future__ import annotations

import marshal
import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from .files import file_stamp, replace_file

LOG_SUFFIX = ".log"
COMPACT_AT = 0.25  # log bytes, as a share of the snapshot's, past which the part is written whole
_FRAME = struct.Struct("<II")  # length, CRC-32 of the record
GENERATION_BYTES = 8
_ABSENT = object()


@dataclass(frozen=True)
class Part:
    header: object = None
    tables: dict[str, dict] = field(default_factory=dict)


def read_part(path: Path) -> Part | None:
    """The part as the last builds left it; None when the snapshot is missing or unreadable."""
    try:
        data = path.read_bytes()
        generation, (header, tables) = data[:GENERATION_BYTES], marshal.loads(memoryview(data)[GENERATION_BYTES:])
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(tables, dict) or not all(isinstance(table, dict) for table in tables.values()):
        return None
    for record in _log_records(_log_path(path)):
        try:
            record_generation, header_now, changes = marshal.loads(record)
            if record_generation != generation:
                continue  # written before the snapshot was
            for name, (changed, removed) in changes.items():
                table = tables.setdefault(name, {})
                table.update(changed)
                for key in removed:
                    table.pop(key, None)
        except (EOFError, ValueError, TypeError, AttributeError):
            break
        header = header_now
    return Part(header, tables)


def write_part(path: Path, part: Part, previous: Part | None, plain: Mapping[str, Callable] | None = None) -> None:
    """Keep `part` on disk: `previous` is what the disk holds (as `read_part` gave it, or as this
    process last wrote it), so only what differs from it is appended; without it the whole part
    is written. `plain`, per table: what makes a value marshal-able (named tuples are not), applied
    to the values written only."""
    plain = plain or {}

    def whole() -> Part:
        return Part(part.header, {name: _plain(table, plain.get(name)) for name, table in part.tables.items()})

    if previous is None:
        _write_snapshot(path, whole())
        return
    changes = {}
    for name in part.tables.keys() | previous.tables.keys():
        table, before = part.tables.get(name, {}), previous.tables.get(name, {})
        changed = {key: value for key, value in table.items() if before.get(key, _ABSENT) != value}
        removed = [key for key in before if key not in table]
        if changed or removed:
            changes[name] = (_plain(changed, plain.get(name)), removed)
    if changes or part.header != previous.header:
        update_part(path, part.header, changes, whole)


def update_part(path: Path, header: object, changes: dict[str, tuple[dict, list]], whole: Callable[[], Part]) -> None:
    """Append `changes` (per table: the entries set, the keys removed) to what the disk holds; or,
    with no snapshot to append to or a log grown big, write the whole part (`whole()`)."""
    log = _log_path(path)
    generation = _generation(path)
    snapshot_bytes = log_bytes = 0
    try:
        snapshot_bytes, log_bytes = path.stat().st_size, log.stat().st_size if log.exists() else 0
    except OSError:
        generation = None
    # A damaged tail (a build killed while appending) would hide every record appended after it.
    intact = sum(_FRAME.size + len(record) for record in _log_records(log)) == log_bytes
    if generation is None or not intact or log_bytes > COMPACT_AT * snapshot_bytes:
        _write_snapshot(path, whole())
        return
    record = marshal.dumps((generation, header, changes))
    with open(log, "ab") as handle:
        handle.write(_FRAME.pack(len(record), zlib.crc32(record)) + record)


def stamp(path: Path) -> tuple:
    """What changes whenever the part is written (by this process or another): its files' stamps."""
    return file_stamp(path, _log_path(path))


def _write_snapshot(path: Path, part: Part) -> None:
    """The generation id (random bytes), then the part."""
    replace_file(path, os.urandom(GENERATION_BYTES) + marshal.dumps((part.header, part.tables)))
    _log_path(path).unlink(missing_ok=True)


def _generation(path: Path) -> bytes | None:
    """The snapshot's generation id, read without loading its tables."""
    try:
        with open(path, "rb") as handle:
            generation = handle.read(GENERATION_BYTES)
    except OSError:
        return None
    return generation if len(generation) == GENERATION_BYTES else None


def _plain(table: dict, plain: Callable | None) -> dict:
    return table if plain is None else {key: plain(value) for key, value in table.items()}


def _log_path(path: Path) -> Path:
    return path.with_name(path.name + LOG_SUFFIX)


def _log_records(log: Path) -> list[bytes]:
    try:
        data = log.read_bytes()
    except OSError:
        return []
    records, offset = [], 0
    while offset + _FRAME.size <= len(data):
        length, crc = _FRAME.unpack_from(data, offset)
        record = data[offset + _FRAME.size: offset + _FRAME.size + length]
        if len(record) != length or zlib.crc32(record) != crc:
            break
        records.append(record)
        offset += _FRAME.size + length
    return records
