"""Write stage: put the rendered pages in output/ atomically, and only the ones that changed.

The new site is assembled in a staging folder beside output/ (unchanged files are hard-linked from
the current output, so an incremental build copies nothing), then swapped in with one atomic
rename exchange. A build killed at any moment leaves the previous output/ complete.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .structure import BuildFailed, Diagnostic, Page

MANIFEST = "manifest.json"
_RENAME_EXCHANGE = 2


@dataclass(frozen=True)
class WriteResult:
    written: int
    unchanged: int
    removed: int


@contextmanager
def build_lock(cache_dir: Path) -> Iterator[None]:
    """One build per site at a time: a second build waits for the first instead of racing it."""
    path = cache_dir / "build.lock"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a")  # "a", not "w": never truncate whatever the name points at
    except OSError as exc:
        raise BuildFailed([Diagnostic("error", str(path), f"cannot create the build lock: {exc.strerror or exc}",
                                      hint="the site's .cache/ folder must be writable")]) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("waiting for another build of this site to finish…", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def staging_paths(output: Path) -> tuple[Path, Path]:
    return output.with_name(f".{output.name}.staging"), output.with_name(f".{output.name}.previous")


def recover(output: Path) -> None:
    """Undo what a killed build left: a half-built staging folder, or a swap cut in the middle."""
    staging, previous = staging_paths(output)
    if previous.exists() and not output.exists():
        os.rename(previous, output)
    for leftover in (staging, previous):
        if leftover.exists():
            shutil.rmtree(leftover)


def write_site(pages: list[Page], output: Path, cache_dir: Path) -> WriteResult:
    """Stage the pages beside output/ and swap them in; on any failure output/ stays exactly as it was."""
    output = output.resolve()
    _check_paths(pages)
    if output.exists() and not output.is_dir():
        raise BuildFailed([Diagnostic("error", str(output), "the output path exists and is not a folder",
                                      hint="remove that file or choose another --output")])
    staging, previous = staging_paths(output)
    try:
        recover(output)
        written, unchanged, removed = _stage(pages, output, staging, cache_dir)
        os.sync()  # flush the staged files before the swap, so a crash cannot publish empty files
        if output.exists():
            _swap(staging, output, previous)
        else:
            os.rename(staging, output)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        where = exc.filename if isinstance(exc.filename, str) else str(output)
        raise BuildFailed([Diagnostic("error", where, f"cannot write the site: {exc.strerror or exc}",
                                      hint="free disk space or make the output folder writable; "
                                           "the previous output was left as it was")]) from None
    return WriteResult(written, unchanged, removed)


def _stage(pages: list[Page], output: Path, staging: Path, cache_dir: Path) -> tuple[int, int, int]:
    """Fill the staging folder: unchanged files hard-linked from output/, the rest written. Returns counts."""
    manifest_path = cache_dir / MANIFEST
    old_manifest = _read_manifest(manifest_path, output)
    new_manifest: dict[str, str] = {}
    written = unchanged = 0
    staging.mkdir(parents=True)
    for page in pages:
        digest = hashlib.sha256(page.data).hexdigest()
        key = page.path.as_posix()
        new_manifest[key] = digest
        target = staging / key
        target.parent.mkdir(parents=True, exist_ok=True)
        existing = output / key
        if old_manifest.get(key) == digest and _holds(existing, page.data):
            os.link(existing, target)
            unchanged += 1
        else:
            target.write_bytes(page.data)
            written += 1
    # Written before the swap: a manifest that runs ahead of output/ only costs a rewrite, as links are verified.
    _write_manifest(manifest_path, new_manifest, output)
    return written, unchanged, len(set(old_manifest) - set(new_manifest))


def _holds(path: Path, data: bytes) -> bool:
    """Whether a published file has exactly these bytes (the manifest can be stale after a killed build)."""
    return path.is_file() and not path.is_symlink() and path.stat().st_size == len(data) and path.read_bytes() == data


def _check_paths(pages: list[Page]) -> None:
    seen: set[str] = set()
    problems = []
    for page in pages:
        key = page.path.as_posix()
        if page.path.is_absolute() or ".." in page.path.parts or not key:
            problems.append(Diagnostic("error", key, "refusing to write outside the output folder"))
        elif key in seen:
            problems.append(Diagnostic("error", key, "two pages would be written to the same path",
                                       hint="two articles or themes have the same slug or id; rename one"))
        seen.add(key)
    if problems:
        raise BuildFailed(problems)


def _swap(staging: Path, output: Path, previous: Path) -> None:
    """Exchange staging and output atomically (renameat2); fall back to two renames elsewhere.

    Raises OSError only while output/ still holds the previous site.
    """
    if _rename_exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous site; a leftover is removed by recover()
        return
    os.rename(output, previous)
    try:
        os.rename(staging, output)
    except OSError:
        os.rename(previous, output)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def _rename_exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.ENOTSUP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))


def published_files(output: Path, cache_dir: Path) -> list[str]:
    """The files the last build put into output/ (empty when unknown)."""
    return sorted(_read_manifest(cache_dir / MANIFEST, output.resolve()))


def _read_manifest(path: Path, output: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if data.get("output") != str(output) or not isinstance(data.get("files"), dict):
        return {}
    return data["files"]


def _write_manifest(path: Path, files: dict[str, str], output: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"output": str(output), "files": files}, sort_keys=True))
    os.replace(tmp, path)
