"""Write stage: put the pages in output/ atomically, touching only what changed.

Two complete sites are kept: output/ and, beside it, the spare folder holding the site as it was one
build earlier. A build brings the spare up to date (writing only the files that differ from it,
hard-linking unchanged pages from output/), then exchanges the two folders with one atomic rename.
The old output/ becomes the next spare. So a build costs what changed, not the size of the site,
and a build killed at any moment leaves the previous output/ complete.

The manifest (`manifest.SiteFiles`) records every file of both folders (digest, size, modification
time, and the key of the inputs the page was rendered from), which is how the renderer knows a page
it may skip: same inputs as last time, and output/ still holds the file as written. The writer takes
the last build's records in and hands the new ones out (`WriteResult.files`); the state owner saves
them (`incremental`).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator, NamedTuple

from .files import files_below
from .manifest import FileRecord, SiteFiles, mark_spare_changing, read_site_files, save_site_files
from .structure import BuildFailed, Diagnostic

DIGEST_LENGTH = 32  # hex digits of sha256 kept: 128 bits, and a manifest of 60,000 files half the size
_RENAME_EXCHANGE = 2


class StoredFile(NamedTuple):
    """One file of the new site as `SiteWriter.store` left it in the spare, in whichever process."""

    name: str
    record: FileRecord
    changed: bool  # its bytes differ from those output/ holds (the report counts it as written)


@dataclass(frozen=True)
class WriteResult:
    written: int
    unchanged: int
    removed: int
    published: list[str]  # every file of the new output/, sorted
    files: SiteFiles  # the records of the new output/ and of its spare, for the next build


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


def spare_path(output: Path) -> Path:
    """Where the previous generation of the site is kept, beside output/ (same file system)."""
    return output.with_name(f".{output.name}.spare")


def _leftover_paths(output: Path) -> list[Path]:
    """Folders older versions of the writer used, removed when found."""
    return [output.with_name(f".{output.name}.staging"), output.with_name(f".{output.name}.previous")]


class SiteWriter:
    """Brings the spare folder up to date page by page, then swaps it in as output/.

    Use as a context manager: `put` every file of the new site, then `commit`. `put` is `store`
    (write the file into the spare, in any process: render workers store their own pages) then `add`
    (count it in, in this process). Leaving the block without committing (an error anywhere in the
    build) leaves output/ exactly as it was, and saves the records of the spare's files so that the
    next build rewrites what this one changed. `files` are the last build's records (read from the
    manifest when not given).
    """

    def __init__(self, output: Path, cache_dir: Path, files: SiteFiles | None = None):
        self.output = output.resolve()
        if self.output.exists() and not self.output.is_dir():
            raise BuildFailed([Diagnostic("error", str(self.output), "the output path exists and is not a folder",
                                          hint="remove that file or choose another --output")])
        self.written = self.unchanged = 0
        self._cache_dir = cache_dir
        self._files = files if files is not None and files.output == str(self.output) \
            else read_site_files(cache_dir, self.output)
        self._spare = spare_path(self.output)
        self._present: dict[str, FileRecord] = {}  # the manifest's records of files output/ still holds
        self._spare_records: dict[str, FileRecord] = {}
        self._new: dict[str, FileRecord] = {}
        self._folders: set[str] = set()
        self._committed = False

    def __enter__(self) -> SiteWriter:
        # output/ deleted by hand: nothing the manifest records is there (known from one look, not a look per file)
        published = self._files.published if self.output.is_dir() else {}
        self._present = published if self._files.as_left else _still_as_recorded(self.output, published)
        self._guard(self._prepare_spare)
        return self

    def __exit__(self, *exc_info) -> None:
        if not self._committed:
            # A file this build rewrote no longer has its recorded size and time, so the next build
            # checks it; a file it added (here or in a worker) is recorded as matching nothing: it
            # is rewritten, or removed, next time.
            unknown = FileRecord("", "", -1, -1)
            spare = {**dict.fromkeys(files_below(self._spare), unknown), **self._spare_records}
            save_site_files(self._cache_dir, SiteFiles(str(self.output), self._present, spare))

    def reusable_keys(self) -> dict[str, str]:
        """path → input key of every page output/ still holds exactly as the last build wrote it."""
        return {name: record.key for name, record in self._present.items() if record.digest}

    def put(self, path: PurePosixPath, data: bytes | None, key: str | None = None, source: Path | None = None) -> None:
        """Add one file. `data` None means "as output/ has it now" (a page the renderer skipped);
        `source`, a file holding `data` that is never changed in place: linked rather than copied."""
        if data is None:
            self.keep([path.as_posix()])
        else:
            self.add(self.store(path, data, key, source))

    def store(self, path: PurePosixPath, data: bytes | None, key: str | None = None,
              source: Path | None = None) -> StoredFile:
        """Bring the spare's file at `path` up to date, changing nothing else but the folders above it:
        safe in a forked worker, so a rendered page's bytes need not travel back to be written."""
        return self._guard(lambda: self._store(path, data, key, source))

    def add(self, stored: StoredFile) -> None:
        """Count a stored file in the new site."""
        if stored.name in self._new:
            raise BuildFailed([Diagnostic("error", stored.name, "two pages would be written to the same path",
                                          hint="two articles or themes have the same slug or id; rename one")])
        self._new[stored.name] = stored.record
        if stored.changed:
            self.written += 1
        else:
            self.unchanged += 1

    def keep(self, names: Iterable[str]) -> None:
        """`put` of pages as output/ holds them, by their paths as text: mostly no look at the disk.
        Tens of thousands at a time (every page a rebuild left unvisited): the common case, the
        spare holding the same bytes, is one pass that only records them."""
        new, slow = self._new, []
        for name in names:
            if name in new or (same := self._same_in_spare(name)) is None:
                slow.append(name)
            else:
                new[name] = same
                self.unchanged += 1
        for name in slow:
            self.add(self.store(PurePosixPath(name), None, self._present[name].key))

    @property
    def size(self) -> int:
        """Bytes of the new site, as far as it is stored: what the host will be asked to publish."""
        return sum(record.size for record in self._new.values())

    def commit(self) -> WriteResult:
        """Remove what the new site no longer has, then swap the spare in as output/."""
        return self._guard(self._commit)

    # --- the work ------------------------------------------------------------------------

    def _prepare_spare(self) -> None:
        for leftover in _leftover_paths(self.output):
            shutil.rmtree(leftover, ignore_errors=True)
        records = self._files.spare
        if records is None or not self._spare.is_dir():
            shutil.rmtree(self._spare, ignore_errors=True)  # unknown state: start from an empty folder
            records = {}
        self._spare.mkdir(parents=True, exist_ok=True)
        self._spare_records = records if self._files.as_left else _still_as_recorded(self._spare, records)
        # From here the spare changes: a build killed outright must not let the next one trust the records.
        mark_spare_changing(self._cache_dir)

    def _store(self, path: PurePosixPath, data: bytes | None, key: str | None, source: Path | None) -> StoredFile:
        name = _checked(path)
        known = self._spare_records.get(name)
        target = f"{self._spare}/{name}"  # plain strings: this runs for every file of the site
        if data is None:  # the page output/ holds: the spare either has the same bytes or links to it
            record = self._present[name]
            if (same := self._same_in_spare(name)) is not None:
                return StoredFile(name, same, changed=False)
            self._ensure_folder(name)
            _replace(target, lambda: os.link(f"{self.output}/{name}", target))
            return StoredFile(name, record, changed=False)
        digest = hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]
        published = self._present.get(name)  # a file gone or changed by hand since is written, not unchanged
        changed = published is None or published.digest != digest
        if known is not None and known.digest == digest:
            return StoredFile(name, known._replace(key=key or digest), changed)
        self._ensure_folder(name)
        _replace(target, lambda: _link_or_write(source, target, data))
        stat = os.stat(target)
        return StoredFile(name, FileRecord(key or digest, digest, stat.st_size, stat.st_mtime_ns), changed)

    def _same_in_spare(self, name: str) -> FileRecord | None:
        """The spare's record of `name`, keyed as output/'s, when the spare holds the same bytes as output/."""
        record, known = self._present[name], self._spare_records.get(name)
        if known is None or known.digest != record.digest:
            return None
        return known if known.key == record.key else known._replace(key=record.key)

    def _commit(self) -> WriteResult:
        stale = sorted(set(self._spare_records) - set(self._new))
        for name in stale:
            (self._spare / name).unlink(missing_ok=True)
        _remove_empty_folders(self._spare, {str(PurePosixPath(n).parent) for n in stale})
        os.sync()  # the new files reach the disk before the swap, so a crash cannot publish empty files
        previous = self._present or None  # unknown: the old output/ must not serve as a spare
        if self.output.exists():
            if not _rename_exchange(self._spare, self.output):
                _swap_by_renames(self._spare, self.output)
                previous = None  # the fallback keeps no spare
        else:  # the first build: publish, then keep a linked copy as the spare for the next one
            os.rename(self._spare, self.output)
            previous = self._new if _link_tree(self.output, self._spare, self._new) else None
        removed = len(set(self._present) - set(self._new))
        self._committed = True
        return WriteResult(self.written, self.unchanged, removed, sorted(self._new),
                           SiteFiles(str(self.output), self._new, previous))

    def _ensure_folder(self, name: str) -> None:
        """Make the folders above the spare's file `name`."""
        inside = name.rpartition("/")[0]
        if inside in self._folders:
            return
        folder = self._spare / inside
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):  # an old page file stands where a folder goes now
            blocker = folder
            while blocker != self._spare and not blocker.is_file():
                blocker = blocker.parent
            if blocker != self._spare:  # else another worker has removed it meanwhile
                blocker.unlink(missing_ok=True)
            folder.mkdir(parents=True, exist_ok=True)
        self._folders.add(inside)

    def _guard(self, action):
        try:
            return action()
        except OSError as exc:
            where = exc.filename if isinstance(exc.filename, str) else str(self.output)
            raise BuildFailed([Diagnostic("error", where, f"cannot write the site: {exc.strerror or exc}",
                                          hint="free disk space or make the output folder writable; "
                                               "the previous output was left as it was")]) from None


def _still_as_recorded(folder: Path, records: dict[str, FileRecord]) -> dict[str, FileRecord]:
    """The records whose file is still there with its size and modification time; a file changed
    behind the build's back counts as unknown, so it is written again when needed, removed if not."""
    kept = {}
    prefix = f"{folder}{os.sep}"  # plain strings: this runs once per file of the site, twice a build
    for name, record in records.items():
        try:
            stat = os.stat(prefix + name, follow_symlinks=False)
        except OSError:
            continue
        if stat.st_size == record.size and stat.st_mtime_ns == record.mtime_ns:
            kept[name] = record
        else:
            kept[name] = record._replace(digest="")
    return kept


def _checked(path: PurePosixPath) -> str:
    name = path.as_posix()
    if path.is_absolute() or ".." in path.parts or not name or name == ".":
        raise BuildFailed([Diagnostic("error", name, "refusing to write outside the output folder")])
    return name


def _replace(target: str, create) -> None:
    """Remove what the name holds, then create it anew: the old file may be a hard link shared with
    output/, so it is never written into."""
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(target)
    create()


def _link_or_write(source: Path | None, target: str, data: bytes) -> None:
    """A hard link to `source` where it can be made (no copy of the bytes to write), else the bytes."""
    if source is not None:
        try:
            os.link(source, target)
            return
        except OSError:  # another file system, or no hard links here
            pass
    with open(target, "wb") as handle:
        handle.write(data)


def _remove_empty_folders(root: Path, folders: set[str]) -> None:
    """Prune folders emptied by removed pages, deepest first."""
    for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
        current = root / folder
        while current != root:
            try:
                current.rmdir()
            except OSError:
                break
            current = current.parent


def _link_tree(source: Path, target: Path, files: dict[str, FileRecord]) -> bool:
    """A hard-linked copy of the published site; without one (no hard links here) the next build starts
    its spare from scratch."""
    made: set[str] = set()
    try:
        for name in files:  # plain strings: 63,000 files at 10,000 articles, pathlib cost more than the links
            inside = name.rpartition("/")[0]
            if inside not in made:
                os.makedirs(f"{target}/{inside}", exist_ok=True)
                made.add(inside)
            os.link(f"{source}/{name}", f"{target}/{name}")
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        return False
    return True


def _swap_by_renames(spare: Path, output: Path) -> None:
    """Where renameat2 is missing: two renames, the old site dropped. Raises only while output/ is intact."""
    old = output.with_name(f".{output.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(output, old)
    try:
        os.rename(spare, output)
    except OSError:
        os.rename(old, output)
        raise
    shutil.rmtree(old, ignore_errors=True)


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
