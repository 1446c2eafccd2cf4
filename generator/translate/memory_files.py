"""The translation memory's files: a folder of append-only JSON Lines parts, none past PART_LIMIT.

A segment's part is chosen by the first hex digit of its key (16 shards), and a shard rolls over to a
new numbered part before a file would pass the limit (GitHub warns at 50 MB and refuses 100 MB). Why
the key and not the article's month: the build looks segments up by key and knows no article date
for a segment (one sentence recurs across months); keys spread appends evenly, so no file grows
faster than the others and a shard's parts fill one after another. Two branches that both
translated touch the same shards at their ends: `.gitattributes` gives the folder `merge=union`,
as the lines are independent (a duplicate is harmless; the lookup takes either).

Appends take one exclusive lock on the folder per batch and fsync each file they touched: a kill -9
can cut at most the last line of each, which loading skips. Nothing is opened through a symlink,
and nothing but a regular file is read (a FIFO would hold the build for ever).
"""

from __future__ import annotations

import fcntl
import os
import re
import stat
from pathlib import Path

from ..load import display_path
from ..static import file_kind
from ..structure import BuildFailed, Diagnostic

PART_LIMIT = 45_000_000  # bytes: a margin under GitHub's 50 MB warning
PART_NAME = re.compile(r"([0-9a-f])-(\d{3,})\.jsonl")
CONFIG_HINT = "translation.memory in site.yaml names the folder"


def shard_of(key: str) -> str:
    """The key's first hex digit; "0" for a key edited by hand into something else (lookups go by key)."""
    return key[:1] if key[:1] and key[:1] in "0123456789abcdef" else "0"


def part_name(shard: str, number: int) -> str:
    return f"{shard}-{number:03d}.jsonl"


def part_files(folder: Path) -> list[Path]:
    """The memory's part files, in shard and part order; none when the folder does not exist."""
    info = _status(folder, follow=False)
    if info is None:
        return []
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        kind = "a link" if stat.S_ISLNK(info.st_mode) else file_kind(info.st_mode)
        raise _problem(folder, f"the translation memory is {kind}, not a folder",
                       "put the memory folder (JSON Lines parts) there, or move this away and the build starts "
                       f"a new one; {CONFIG_HINT}")
    names = [(m[1], int(m[2]), name) for name in os.listdir(folder) if (m := PART_NAME.fullmatch(name))]
    return [folder / name for _, _, name in sorted(names)]


def read_part(path: Path) -> bytes | None:
    """A memory file's bytes (None when missing). Opened without following a link and without
    blocking, then checked to be a regular file: a FIFO or a folder is refused with a message."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:  # ELOOP: a link; no permission
        if os.path.islink(path):
            raise _problem(path, "the translation memory is a link, which is never followed",
                           "replace the link with the file itself") from None
        raise _problem(path, f"cannot read the translation memory: {exc.strerror or exc}",
                       f"make it a readable file; {CONFIG_HINT}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _problem(path, f"the translation memory is {file_kind(mode)}, not a regular file",
                           "put the memory file (JSON Lines) there, or move this away and the build starts a "
                           f"new one; {CONFIG_HINT}")
        chunks = []
        while chunk := os.read(fd, 1 << 22):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise _problem(path, f"cannot read the translation memory: {exc.strerror or exc}",
                       f"make it a readable file; {CONFIG_HINT}") from None
    finally:
        os.close(fd)


def append_lines(folder: Path, lines: dict[str, list[bytes]], limit: int = PART_LIMIT) -> None:
    """Append each shard's lines (each ending in a newline) under one lock on the folder, rolling
    over to a new part before a file would pass `limit`; each file written is fsynced."""
    part_files(folder)  # refuses a folder that is a link or no folder
    folder.mkdir(parents=True, exist_ok=True)
    folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        fcntl.flock(folder_fd, fcntl.LOCK_EX)
        created = False
        existing = {p.name for p in part_files(folder)}
        for shard, shard_lines in sorted(lines.items()):
            number = max((int(m[2]) for n in existing if (m := PART_NAME.fullmatch(n)) and m[1] == shard), default=0)
            pending = list(shard_lines)
            while pending:
                name = part_name(shard, number)
                created |= name not in existing
                written = _append_to_part(folder_fd, name, pending, limit)
                existing.add(name)
                pending = pending[written:]
                number += 1
        if created:
            os.fsync(folder_fd)  # the new file's name survives a power cut too
    finally:
        os.close(folder_fd)


def _append_to_part(folder_fd: int, name: str, lines: list[bytes], limit: int) -> int:
    """Append as many lines as fit under `limit` (at least one to an empty part); how many were written."""
    fd = os.open(name, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644, dir_fd=folder_fd)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{name} is not a regular file")
        size = os.fstat(fd).st_size
        separator = b"\n" if size and os.pread(fd, 1, size - 1) != b"\n" else b""  # after a line cut off by a kill
        payload, count = bytearray(separator), 0
        for line in lines:
            if size + len(payload) + len(line) > limit and (size or count):
                break
            payload += line
            count += 1
        if count:
            os.write(fd, payload)
            os.fsync(fd)
        return count
    finally:
        os.close(fd)


def _status(path: Path, follow: bool) -> os.stat_result | None:
    try:
        return os.stat(path, follow_symlinks=follow)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _problem(path, f"cannot read the translation memory: {exc.strerror or exc}",
                       f"make it a readable folder; {CONFIG_HINT}") from None


def _problem(path: Path, message: str, hint: str) -> BuildFailed:
    """The memory's path as the editor typed it: relative to where the command runs, when inside it."""
    return BuildFailed([Diagnostic("error", display_path(path, Path.cwd()), message, hint=hint)])
