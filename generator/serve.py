"""The editor's live-reload loop: build once, serve output/, rebuild and reload the browser on every save.

python-livereload checks its own watchers only while a browser is connected (lepture/python-livereload#176,
#170, #66), so a save made with no page open would never be built. The site is therefore watched by our own
thread, independent of browsers; livereload only serves, injects its script into HTML and carries the
"reload" message to the browsers over its websocket.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import threading
import time
import traceback
from pathlib import Path
from typing import Iterable, Sequence

from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop

from .commands.report import print_diagnostics, print_new_diagnostics, print_summary, stage_times
from .config import site_config
from .draft import Drafts, draft_pages
from .incremental import BuildState, held
from .pipeline import BuildOptions, build
from .serve_http import OutputApp, listen, served_prefix
from .structure import BuildFailed, BuildReport, Diagnostic, SiteModel
from .translate import EngineCache
from .watch import Watcher, watched_paths
from .write import spare_path

# Seconds within which a rebuild makes the whole site consistent after a save (the editor-loop
# issue's target): a site whose last build took no longer gets no drafts, so one reload only.
CONSISTENT_WITHIN = 1.0


class SiteServer:
    """One serve session: the HTTP + websocket server in its own thread, and a watcher thread that rebuilds.

    Builds are serialised (the first runs in start(), the rest in the watcher thread) and share one
    EngineCache, and each starts from the incremental state the last successful one handed on, so
    the translation model loads once per session and a rebuild reads no cache file it need not.
    """

    def __init__(self, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000,
                 poll_interval: float = 0.1, debounce: float = 0.2):
        # Served from this computer, links must point here, not at the published address in site.yaml.
        self.options = options if options.base_url else dataclasses.replace(options, base_url="/")
        self.host = host
        self.port = port
        self.poll_interval = poll_interval
        self.debounce = debounce
        self.output = options.output_dir
        self.prefix = served_prefix(self.options.base_url)
        self.engines = EngineCache()
        self.state: BuildState | None = None  # what the last successful build handed on
        self._unbuilt: set[str] | None = set()  # paths changed since that build (None: not known)
        self.builds = 0  # finished builds, failed ones included
        self.problems: tuple[Diagnostic, ...] = ()  # why the last build failed; empty when it succeeded
        self.model: SiteModel | None = None  # what the last successful build grouped, for drafts
        self.drafts: Drafts = {}  # served until the build under way has finished
        self.build_seconds: float | None = None  # how long the last successful build took
        self._printed: frozenset[Diagnostic] = frozenset()  # the last successful build's, already in the terminal
        self._built = threading.Condition()
        self._building = threading.Lock()
        self._stopping = threading.Event()
        self._loop: IOLoop | None = None
        self._http_thread: threading.Thread | None = None
        self._watch_thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.prefix}"

    def start(self) -> None:
        """Listen (raising OSError if the port is taken), build once, then watch; returns once all are running."""
        watcher = Watcher(watched_paths(self.options.site_dir), self._ignored(), self.poll_interval, self.debounce,
                          notices=True)
        self._start_http()
        self.rebuild()
        self._watch_thread = threading.Thread(target=self._watch, args=(watcher,), name="serve-watcher", daemon=True)
        self._watch_thread.start()

    def wait(self) -> None:
        """Block until the server stops; Ctrl+C raises KeyboardInterrupt here."""
        while self._http_thread is not None and self._http_thread.is_alive():
            self._http_thread.join(0.5)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop watching (after a build in progress), close browser connections and the listening socket."""
        self._stopping.set()
        if self._watch_thread is not None:
            self._watch_thread.join(timeout)
        if self._loop is not None:
            self._loop.add_callback(self._shut_down)
        if self._http_thread is not None:
            self._http_thread.join(timeout)

    def wait_for_builds(self, count: int, timeout: float) -> bool:
        """True once `count` builds have finished, False if that takes longer than `timeout` seconds."""
        with self._built:
            return self._built.wait_for(lambda: self.builds >= count, timeout)

    def rebuild(self, changed: Iterable[str] | None = None) -> None:
        """Build, tell the terminal how it went, remember any problems for the error page, reload browsers.
        `changed`: the paths the watcher saw change; with those of builds that failed since the last
        good one, they are all the build looks at (None: not known, every file is looked at)."""
        with self._building:
            if changed is None or self._unbuilt is None:
                self._unbuilt = None
            else:
                self._unbuilt.update(changed)
            started = time.perf_counter()
            try:
                report = build(self.options, self.engines, self.state,
                               None if self._unbuilt is None else frozenset(self._unbuilt),
                               then=lambda built: self._publish(built, started))
            except BuildFailed as failure:
                problems = tuple(failure.diagnostics)
                print_diagnostics(failure.diagnostics)
                print(f"Build failed: {len(problems)} problem(s). The browser shows them until a save fixes them.")
            except Exception as error:  # noqa: BLE001 - a bug in one build must not stop the server
                traceback.print_exc()
                problems = (Diagnostic("error", "build", f"unexpected {type(error).__name__}: {error}",
                                       hint="the traceback is in the terminal"),)
            else:
                problems = ()
                self.state = held(report.state)  # the browsers have reloaded: this is the time to spend
                self._unbuilt = set()
            with self._built:
                self.problems = problems
                self.drafts = {}
                self.builds += 1
                self._built.notify_all()
        if problems:
            self._reload_browsers()

    def _publish(self, report: BuildReport, started: float) -> None:
        """Once output/ holds the new site (the build writes its state after): report, reload browsers."""
        self.model = report.model
        self.build_seconds = time.perf_counter() - started
        with self._built:
            self.problems = ()
            self.drafts = {}
        self._reload_browsers()  # first: a big site's warnings take a while to print
        print_new_diagnostics(report.diagnostics, self._printed)
        self._printed = frozenset(report.diagnostics)
        print_summary(report, str(self.output))
        print(f"Built in {self.build_seconds:.2f} s ({stage_times(report)}).")

    def show_drafts(self, changed: Sequence[str]) -> None:
        """Serve drafts of the saved articles' pages (when only articles changed and the last build
        succeeded) and reload the browsers, ahead of the rebuild that follows."""
        if self.model is None or self.problems:
            return
        started = time.perf_counter()
        try:
            drafts = draft_pages(changed, self.model, site_config(self.options), self.engines)
        except BuildFailed:  # a broken site.yaml: the rebuild reports it
            return
        except Exception:  # noqa: BLE001 - a draft is a preview: it must never stop the rebuild or the server
            traceback.print_exc()
            return
        if not drafts:
            return
        with self._built:
            self.drafts = drafts
        print(f"Draft of {len(drafts)} page(s) served in {time.perf_counter() - started:.2f} s; "
              "the other pages follow with the rebuild.")
        self._reload_browsers()

    def drafts_worth_it(self) -> bool:
        """Whether to show drafts before the rebuild: not when the last build took at most
        CONSISTENT_WITHIN seconds, since the rebuild then follows as fast, and the browser reloads
        once, onto a site that is whole; on a site whose rebuild is slower, the saved article's own
        pages first, then the whole site."""
        return (self.build_seconds or 0.0) > CONSISTENT_WITHIN

    def _reload_browsers(self) -> None:
        """Tell every connected browser, over livereload's websocket, to load its page again."""
        if self._loop is not None:
            self._loop.add_callback(LiveReloadHandler.reload_waiters, "*")

    def _ignored(self) -> tuple[Path, ...]:
        """The output and its spare folder: writing them must never look like an edit (if they sit in content/)."""
        return (self.output, spare_path(self.output))

    def _watch(self, watcher: Watcher) -> None:
        while changed := watcher.wait_for_change(self._stopping):
            names = ", ".join(os.path.relpath(path, Path(self.options.site_dir).resolve()) for path in changed[:3])
            more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
            print(f"[{dt.datetime.now():%H:%M:%S}] {names}{more} changed: rebuilding…")
            if self.drafts_worth_it():
                self.show_drafts(changed)
            self.rebuild(changed)
            watcher.watch(watched_paths(self.options.site_dir))

    def _start_http(self) -> None:
        ready = threading.Event()
        failures: list[BaseException] = []
        self._http_thread = threading.Thread(target=self._serve_http, args=(ready, failures), name="serve-http",
                                             daemon=True)
        self._http_thread.start()
        ready.wait()
        if failures:
            raise failures[0]

    def _serve_http(self, ready: threading.Event, failures: list[BaseException]) -> None:
        """The tornado loop of this thread: livereload's handlers in front of OutputApp."""
        asyncio.set_event_loop(asyncio.new_event_loop())
        loop = IOLoop.current()
        app = OutputApp(self.output, self.prefix, lambda: self.problems, lambda: self.drafts)
        try:
            listen(app, self.port, self.host)
        except Exception as error:  # noqa: BLE001 - handed to start(), which raises it in the caller's thread
            failures.append(error)
            loop.close(all_fds=True)
            ready.set()
            return
        self._loop = loop
        ready.set()
        loop.start()
        loop.close(all_fds=True)

    def _shut_down(self) -> None:
        """On the loop: say goodbye to the browsers (livereload keeps them in a class attribute), then stop."""
        for browser in list(LiveReloadHandler.waiters):
            browser.close()
        LiveReloadHandler.waiters.clear()
        self._loop.stop()
