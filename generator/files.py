"""Files the build keeps: small cache and record files replaced whole, listing a folder's files,
reading an editor's file only when it is a regular file, and the stamp that tells a file unchanged."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


class NotRegularFile(OSError):
    """Raised instead of reading a folder, pipe, socket or device; `strerror` says which it is."""

    def __init__(self, mode: int):
        super().__init__(0, f"it is {file_kind(mode)}, not a regular file")


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, by its st_mode, for a message."""
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def read_regular(path: Path | str) -> bytes:
    """The bytes of the regular file at `path` (links followed); NotRegularFile for anything else.

    Reading a named pipe waits for a writer forever and a device may never end, so the kind is checked
    before opening, and again on the opened file (opened without blocking) in case it was swapped between.
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFile(mode)
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(mode)
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(descriptor)


def read_json_object(path: Path) -> dict:
    """A JSON object kept in a file of the cache, or {} when the file is missing, damaged or holds
    something else: a cache is a convenience, never a reason to stop."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


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


def file_stamp(*paths: Path) -> tuple:
    """What must stay the same for files to count as unchanged without reading them: the size,
    modification time and inode of each, None for one that is missing."""
    stamps = []
    for candidate in paths:
        try:
            info = os.stat(candidate)
        except OSError:
            stamps.append(None)
        else:
            stamps.append((info.st_size, info.st_mtime_ns, info.st_ino))
    return tuple(stamps)
