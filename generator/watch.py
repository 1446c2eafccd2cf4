"""What serve watches: the files a build reads, and a burst of saves reported as one settled change.

The folders (content/ holds 20,000 files at 10,000 articles; templates/, static/) are followed by
the system's own change notices (inotify on Linux, through watchfiles' Rust `notify` backend): a
save is known within ~0.1 s, and an idle server costs nothing. Polling content/ cost a look of
~60 ms, so the watcher looked only every ~0.6 s: on average 0.3 s of every save → rebuilt site,
and a tenth of a core while idle. The single files (site.yaml, the glossary), which editors often
replace on save and a notice on the file would then lose, are polled by (mtime, size), which works
the same on every system. Where notices are not to be had (another system, a folder replaced or
removed while watched) the watcher polls everything.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Iterable

from .config import CONFIG_NAME, SiteConfig, load_config
from .structure import BuildFailed

Snapshot = dict[str, tuple[int, int]]  # path -> (mtime_ns, size)

POLL_COST_FACTOR = 10  # the watcher waits at least this many times as long as a look at the files took
NOTICE_STEP_MS = 50  # a burst of notices is over once this long passes without a new one
# A burst known from notices alone is reported once it has been quiet this much longer (so for
# 0.1 s in all): saves a busy machine spaces a little more than NOTICE_STEP_MS apart stay one burst.
NOTICE_SETTLE = 0.05


def is_editor_leftover(name: str) -> bool:
    """Swap, lock and backup files editors write while you type: saving them is not a change to the site."""
    return name.startswith(".#") or name.endswith(("~", ".swp", ".swx"))


def watched_paths(site_dir: Path) -> tuple[Path, ...]:
    """Everything a build reads: site.yaml, content/, templates/, static/ and the glossary, wherever it is."""
    try:
        config = load_config(site_dir)
    except BuildFailed:  # a broken site.yaml: watch the default layout until it is fixed
        config = SiteConfig(root=Path(site_dir).resolve())
    return (config.root / CONFIG_NAME, config.content_dir, config.templates_dir, config.static_dir,
            config.glossary_path)


class Watcher:
    """Reports a burst of saves under `paths` as one settled change.

    With `notices`, the folders among `paths` (that exist) are followed by change notices when the
    system gives them; the rest is polled every `poll_interval` seconds, or less often when
    a look is slow: at least POLL_COST_FACTOR times as long as the last look took, so polling never
    takes more than a tenth of a core. After a change it looks again `debounce` seconds later, and
    reports once a look finds nothing new.
    """

    def __init__(self, paths: Iterable[Path], ignored: Iterable[Path] = (),
                 poll_interval: float = 0.1, debounce: float = 0.2, notices: bool = False):
        self.paths = tuple(paths)
        self.ignored = tuple(ignored)
        self.poll_interval = poll_interval
        self.debounce = debounce
        self._notices = _Notices.start([p for p in self.paths if p.is_dir()] if notices else [], self._wanted)
        self._last = self.snapshot()

    def watch(self, paths: Iterable[Path]) -> None:
        """Follow a new set of paths (site.yaml may have moved the glossary), starting from how they are now."""
        paths = tuple(paths)
        if paths != self.paths:
            self.paths = paths
            self._last = self.snapshot()

    def snapshot(self) -> Snapshot:
        """(mtime_ns, size) of every polled file; a path that does not exist simply has no entry."""
        found: Snapshot = {}
        noticed = self._notices.folders if self._notices else ()
        for root in self.paths:
            if self._is_ignored(root) or root in noticed:
                continue
            if not root.is_dir():
                self._record(str(root), found)
                continue
            for folder, subfolders, names in os.walk(root):
                subfolders[:] = [d for d in subfolders if not self._is_ignored(Path(folder, d))]
                for name in names:
                    if not is_editor_leftover(name):
                        self._record(os.path.join(folder, name), found)
        return found

    def changes(self) -> set[str]:
        """The polled paths added, removed or modified since the previous call (or since the watcher was made)."""
        current = self.snapshot()
        changed = {path for path in self._last.keys() | current.keys() if self._last.get(path) != current.get(path)}
        self._last = current
        return changed

    def wait_for_change(self, stop: threading.Event) -> list[str]:
        """Block until files changed and then stayed quiet for `debounce` seconds (those seen by
        change notices alone, for NOTICE_STEP_MS + NOTICE_SETTLE); return them, sorted.

        An empty list means `stop` was set first.
        """
        pending: set[str] = set()
        last_change = 0.0
        burst_polled = False  # whether a look found part of the burst under way (not notices alone)
        interval = self.poll_interval
        while True:
            noticed = self._wait(interval, stop)
            if stop.is_set():
                return []
            looked = time.monotonic()
            polled = self.changes()
            cost = time.monotonic() - looked
            # Notices come once a burst has been quiet for NOTICE_STEP_MS: a burst known from them
            # alone has almost settled (NOTICE_SETTLE: 0.15 s sooner at every save under serve).
            # A burst with a polled change waits `debounce` to settle.
            burst_polled = burst_polled or bool(polled)
            settle = self.debounce if burst_polled else NOTICE_SETTLE  # how long the burst must stay quiet
            if polled or noticed:
                pending |= polled | noticed
                last_change = time.monotonic()
            elif pending and time.monotonic() - last_change >= settle:
                return sorted(pending)
            # Idle, the pause stretches with the cost of a look; once saves came, the next look is when
            # they may have settled.
            interval = settle if pending else max(self.poll_interval, POLL_COST_FACTOR * cost)

    def _wait(self, seconds: float, stop: threading.Event) -> set[str]:
        """Wait `seconds` (less once notices come, then until they stop coming); the paths noticed."""
        if self._notices is None:
            stop.wait(seconds)
            return set()
        noticed = self._notices.wait(seconds, stop)
        if not self._notices.intact():  # a folder replaced or removed: poll it from now on, and what it holds changed
            self._notices.close()
            self._notices = None
            self._last = {}  # every file there is now reported
        return noticed

    def _wanted(self, path: str) -> bool:
        return not is_editor_leftover(os.path.basename(path)) and not self._is_ignored(Path(path))

    def _is_ignored(self, path: Path) -> bool:
        return any(path.is_relative_to(ignored) for ignored in self.ignored)

    @staticmethod
    def _record(path: str, found: Snapshot) -> None:
        try:
            info = os.stat(path)
        except OSError:  # removed between listing and stat, or a broken link
            return
        found[path] = (info.st_mtime_ns, info.st_size)


class _Notices:
    """The system's change notices for some folders and all below them (watchfiles' Rust backend)."""

    def __init__(self, folders: list[Path], wanted, notifier):
        self.folders = tuple(folders)
        self._wanted = wanted
        self._notifier = notifier
        self._identity = self._identities()

    @classmethod
    def start(cls, folders: list[Path], wanted) -> _Notices | None:
        """Notices for `folders`, or None where the system gives none (then they are polled)."""
        if not folders:
            return None
        try:
            from watchfiles._rust_notify import RustNotify
            notifier = RustNotify([str(folder) for folder in folders], False, False, 300, True, False)
        except (ImportError, OSError, RuntimeError):
            return None
        return cls(folders, wanted, notifier)

    def wait(self, seconds: float, stop: threading.Event) -> set[str]:
        """The paths noticed within `seconds`; once one is, until NOTICE_STEP_MS pass without another.
        Notices that came while nobody waited (during a build) are returned at once."""
        found = self._notifier.watch(1000, NOTICE_STEP_MS, max(1, round(seconds * 1000)), stop)
        if not isinstance(found, set):  # "timeout", "stop" (or "signal")
            return set()
        return {path for _, path in found if self._wanted(path)}

    def intact(self) -> bool:
        """Whether each folder is still the one notices were asked for."""
        return self._identities() == self._identity

    def close(self) -> None:
        self._notifier.close()

    def _identities(self) -> list[tuple[int, int] | None]:
        identities = []
        for folder in self.folders:
            try:
                info = os.stat(folder)
            except OSError:
                identities.append(None)
            else:
                identities.append((info.st_dev, info.st_ino))
        return identities
