"""Translation memory: every segment the model translated, kept in an append-only JSON Lines file.

Why JSON Lines and not SQLite: the memory is meant to be committed with the site (so a GitHub Pages
build needs no model for text already translated); a text file that only grows at the end gives
readable, mergeable diffs. Safety comes from appending whole lines with one write + fsync per batch
under an exclusive lock: a kill -9 can cut at most the last line, which loading skips, as it skips a
line edited by hand into something that is not a translation.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..arabic import strip_invisible
from ..files import replace_file
from ..load import display_path
from ..static import file_kind
from ..structure import BuildFailed, Diagnostic

REQUIRED = ("k", "m", "l", "t")  # key, model, label, target; and "s", the source, when present: all strings


@dataclass(frozen=True)
class ModelIdentity:
    """What must match for a stored translation to be reused: the model and how it decodes."""

    name: str  # e.g. "translate-ar_en"
    version: str
    checksum: str  # sha256 of the model weights and tokenizer
    options: str  # decoding options that change the output, e.g. "beam=4;max=256"

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}#{self.checksum[:16]}|{self.options}"


def normalize_segment(text: str) -> str:
    """The memory's key text: NFC, no invisible controls, single spaces (Arabic spelling kept as is)."""
    return " ".join(unicodedata.normalize("NFC", strip_invisible(text)).split())


def segment_key(text: str) -> str:
    return hashlib.sha256(normalize_segment(text).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Stored:
    target: str
    model_key: str
    label: str  # human credit, e.g. "Argos Translate ar→en 1.9"


class TranslationMemory:
    """Load once, look up many times, append new translations in batches."""

    def __init__(self, path: Path):
        self.path = path
        self.skipped_lines = 0
        self._entries: dict[str, dict[str, Stored]] = {}  # segment key -> model key -> stored
        self._load()

    def _load(self) -> None:
        for raw in (_read_memory(self.path) or b"").split(b"\n"):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (ValueError, RecursionError):  # cut short by an interrupted build, or nested past reading
                record = None
            if (isinstance(record, dict) and all(isinstance(record.get(f), str) for f in REQUIRED)
                    and isinstance(record.get("s", ""), str)):
                self._remember(record["k"], Stored(record["t"], record["m"], record["l"]))
            else:
                self.skipped_lines += 1

    def _remember(self, key: str, stored: Stored) -> None:
        self._entries.setdefault(key, {})[stored.model_key] = stored

    def __len__(self) -> int:
        return sum(len(v) for v in self._entries.values())

    def lookup(self, source: str, model: ModelIdentity | None) -> Stored | None:
        """The stored translation for this model; with no model installed, the latest one stored."""
        candidates = self._entries.get(segment_key(source))
        if not candidates:
            return None
        if model is not None:
            return candidates.get(model.key)
        return next(reversed(candidates.values()))

    def add(self, pairs: list[tuple[str, str]], model: ModelIdentity, label: str) -> None:
        """Store a batch: one locked append + fsync, so the file is never left half-written mid-line."""
        if not pairs:
            return
        lines = []
        for source, target in pairs:
            key = segment_key(source)
            self._remember(key, Stored(target, model.key, label))
            lines.append(json.dumps({"k": key, "m": model.key, "l": label, "s": normalize_segment(source),
                                     "t": target}, ensure_ascii=False, sort_keys=True))
        payload = ("\n".join(lines) + "\n").encode()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_NOFOLLOW: a memory file that is a symlink could point anywhere; never write through it.
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                payload = b"\n" + payload  # keep a line cut off by a killed build apart from new ones
            os.write(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)


def memory_generation(path: Path, record: Path, model_key: str | None) -> str:
    """An id of what the memory gives a build with the model `model_key` (None: no model installed);
    a missing file is an empty memory.

    Cached translations must be dropped when the memory changes what a lookup returns, and only
    then: the id survives a checkout that rewrites the file with the same bytes (a new inode, as on
    every CI runner) and, with a model installed, any growth of the file (the build appends only
    segments that had no translation for that model, so earlier lookups stay as they were). Without
    a model, a lookup takes the newest translation stored, so any change gives a new id, as does an
    edited, shortened or replaced file. `record` keeps, per model, the file last seen and its id.
    """
    info = _regular_file(path)
    stamp = None if info is None else [info.st_size, info.st_mtime_ns, info.st_ino]
    model = model_key or "-"
    seen = _read_record(record)
    known = seen.get(model)
    if not (isinstance(known, dict) and isinstance(known.get("generation"), str)
            and isinstance(known.get("size"), int) and isinstance(known.get("digest"), str)):
        known = None
    elif known.get("stamp") == stamp:
        return known["generation"]
    data = _read_memory(path) or b""
    digest = hashlib.sha256(data).hexdigest()
    # A new id is new, not the digest of the bytes: a memory grown and then cut back to where it
    # started would otherwise get its first id again, with translations cached from the longer file.
    generation = secrets.token_hex(16)
    if known is not None and (model_key is not None or known["size"] == len(data)):
        if hashlib.sha256(data[:known["size"]]).hexdigest() == known["digest"]:
            generation = known["generation"]
    seen[model] = {"generation": generation, "size": len(data), "digest": digest, "stamp": stamp}
    replace_file(record, json.dumps(seen, sort_keys=True).encode())
    return generation


def _read_memory(path: Path) -> bytes | None:
    """The memory file's bytes, None when there is none."""
    if _regular_file(path) is None:
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _regular_file(path: Path) -> os.stat_result | None:
    """The memory file's status, None when there is none; BuildFailed unless it is a regular file, as
    nothing else may be opened: a pipe would hold the build for ever, a folder cannot be read."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:  # a link loop, a file where a folder should be, no permission
        raise _unreadable(path, exc) from None
    if not stat.S_ISREG(info.st_mode):
        raise BuildFailed([Diagnostic(
            "error", _shown(path), f"the translation memory is {file_kind(info.st_mode)}, not a regular file",
            hint="put the memory file (JSON Lines) there, or move this away and the build starts a new one; "
                 "translation.memory in site.yaml names the file")])
    return info


def _unreadable(path: Path, error: OSError) -> BuildFailed:
    return BuildFailed([Diagnostic("error", _shown(path), f"cannot read the translation memory: "
                                                          f"{error.strerror or error}",
                                   hint="make it a readable file; translation.memory in site.yaml names it")])


def _shown(path: Path) -> str:
    """The memory's path as the editor typed it: relative to where the command runs, when inside it."""
    return display_path(path, Path.cwd())


def _read_record(record: Path) -> dict:
    try:
        seen = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return seen if isinstance(seen, dict) else {}
