"""Translation memory: every segment the model translated, kept in append-only JSON Lines files.

Why JSON Lines and not SQLite: the memory is meant to be committed with the site (so a GitHub Pages
build needs no model for text already translated); text files that only grow at the end give
readable, mergeable diffs. They live in a folder of parts, none past 45 MB (memory_files.py says
how and why). Safety comes from appending whole lines with one write + fsync per file and batch
under an exclusive lock: a kill -9 can cut at most the last line, which loading skips, as it skips a
line edited by hand into something that is not a translation.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..arabic import strip_invisible
from ..files import read_json_object, replace_file
from .memory_files import PART_LIMIT, append_lines, part_files, read_part, shard_of

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
    """Load once, look up many times, append new translations in batches.

    `legacy` is the single file the memory was before it became a folder: its translations are moved
    into the folder on loading (those not there yet, so a move cut short by a kill is finished by the
    next load) and the file removed; `moved` says how many, for the build to mention once."""

    def __init__(self, folder: Path, legacy: Path | None = None, part_limit: int = PART_LIMIT):
        self.folder = folder
        self.part_limit = part_limit
        self.skipped_lines = 0
        self.moved = 0
        self._entries: dict[str, dict[str, Stored]] = {}  # segment key -> model key -> stored
        for path in part_files(folder):
            for record in self._records(read_part(path)):
                self._remember(record["k"], Stored(record["t"], record["m"], record["l"]))
        if legacy is not None:
            self._move_in(legacy)

    def _records(self, data: bytes | None) -> list[dict]:
        records = []
        for raw in (data or b"").split(b"\n"):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (ValueError, RecursionError):  # cut short by an interrupted build, or nested past reading
                record = None
            if (isinstance(record, dict) and all(isinstance(record.get(f), str) for f in REQUIRED)
                    and isinstance(record.get("s", ""), str)):
                records.append(record)
            else:
                self.skipped_lines += 1
        return records

    def _move_in(self, legacy: Path) -> None:
        data = read_part(legacy)
        if data is None:
            return
        lines: dict[str, list[bytes]] = {}
        for record in self._records(data):
            if record["m"] not in self._entries.get(record["k"], {}):
                self._remember(record["k"], Stored(record["t"], record["m"], record["l"]))
                lines.setdefault(shard_of(record["k"]), []).append(_line(record))
                self.moved += 1
        append_lines(self.folder, lines, self.part_limit)
        legacy.unlink()

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
        """Store a batch: one locked append + fsync per file, so no file is left half-written mid-line."""
        lines: dict[str, list[bytes]] = {}
        for source, target in pairs:
            key = segment_key(source)
            self._remember(key, Stored(target, model.key, label))
            record = {"k": key, "m": model.key, "l": label, "s": normalize_segment(source), "t": target}
            lines.setdefault(shard_of(key), []).append(_line(record))
        if lines:
            append_lines(self.folder, lines, self.part_limit)


def _line(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode()


def memory_generation(folder: Path, legacy: Path, record: Path, model_key: str | None) -> str:
    """An id of what the memory gives a build with the model `model_key` (None: no model installed);
    no files is an empty memory.

    Cached translations must be dropped when the memory changes what a lookup returns, and only
    then: the id survives a checkout that rewrites the files with the same bytes (new inodes, as on
    every CI runner) and, with a model installed, any growth of the files or new parts (the build
    appends only segments that had no translation for that model, so earlier lookups stay as they
    were). Without a model, a lookup takes the newest translation stored, so any change gives a new
    id, as does an edited, shortened, removed or replaced file. `record` keeps, per model, the files
    last seen (size, digest, stamp) and the id; a file whose stamp did not change is not read again.
    """
    paths = part_files(folder) + ([legacy] if os.path.lexists(legacy) else [])
    model = model_key or "-"
    seen = read_json_object(record)
    known = seen.get(model)
    if not (isinstance(known, dict) and isinstance(known.get("generation"), str)
            and isinstance(known.get("files"), dict)):
        known = {"generation": None, "files": {}}
    files = {}
    for path in paths:
        name = str(path.relative_to(folder.parent))
        info = os.stat(path, follow_symlinks=False)
        stamp = [info.st_size, info.st_mtime_ns, info.st_ino]
        before = known["files"].get(name)
        if isinstance(before, dict) and before.get("stamp") == stamp:
            files[name] = before
            continue
        data = read_part(path) or b""
        files[name] = {"size": len(data), "digest": hashlib.sha256(data).hexdigest(), "stamp": stamp,
                       "kept": _still_starts_with(data, before)}
    if known["generation"] and files.keys() == known["files"].keys() and all(
            files[n].get("stamp") == known["files"][n].get("stamp") for n in files):
        return known["generation"]
    if model_key is not None:  # grown or new files keep the id; a file shortened, edited or gone does not
        same = all(files.get(name, {}).get("kept", name in files) for name in known["files"])
    else:
        same = files.keys() == known["files"].keys() and all(
            files[n].get("digest") == known["files"][n].get("digest") for n in files)
    # A new id is new, not a digest of the bytes: a memory grown and then cut back to where it
    # started would otherwise get its first id again, with translations cached from the longer files.
    generation = known["generation"] if same and known["generation"] else secrets.token_hex(16)
    seen[model] = {"generation": generation,
                   "files": {n: {k: v for k, v in f.items() if k != "kept"} for n, f in files.items()}}
    replace_file(record, json.dumps(seen, sort_keys=True).encode())
    return generation


def _still_starts_with(data: bytes, before) -> bool:
    """Whether a file seen before still begins with the bytes it had then (so it only grew)."""
    if not (isinstance(before, dict) and isinstance(before.get("size"), int)):
        return True
    return len(data) >= before["size"] and hashlib.sha256(data[:before["size"]]).hexdigest() == before.get("digest")
