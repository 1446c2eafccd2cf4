"""serve: the watcher, the file server and the live-reload loop, over real loopback HTTP and websockets."""

from __future__ import annotations

import argparse
import asyncio
import gc
import http.client
import json
import logging
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from unittest.mock import Mock

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from livereload.handlers import LiveReloadHandler
from tornado.websocket import websocket_connect

import generator.serve
from generator.commands import serve as serve_command
from generator.incremental import BuildState
from generator.pipeline import BuildOptions
from generator.serve import SiteServer
from generator.watch import POLL_COST_FACTOR, Watcher
from generator.serve_http import OutputApp, error_page, served_prefix
from generator.structure import BuildReport, Diagnostic

ARTICLE = "content/articles/2023-03-17-xi-to-visit-moscow.md"
ARTICLE_URL = "/ar/articles/2023-03-17-xi-to-visit-moscow.html"
ORIGINAL_WORDS = "يتوجه الرئيس الصيني"
EDITED_WORDS = "يسافر الرئيس الصيني"
POLL, DEBOUNCE = 0.05, 0.3
TIMEOUT = 10.0
LIVERELOAD_SCRIPT = re.compile(r'<script type="text/javascript">[^<]*livereload\.js[^<]*</script>')  # serve adds it


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def small_site(sample_site) -> Path:
    """The sample site cut to two articles (with their editors' translations): each build takes a fraction."""
    keep = ("2023-03-17-", "2023-05-19-")
    for path in (sample_site / "content" / "articles").iterdir():
        if not path.name.startswith(keep):
            path.unlink()
    return sample_site


@contextmanager
def serving(site: Path) -> Iterator[SiteServer]:
    server = SiteServer(BuildOptions(site_dir=site), port=free_port(), poll_interval=POLL, debounce=DEBOUNCE)
    server.start()
    try:
        yield server
    finally:
        server.stop(timeout=TIMEOUT)


@pytest.fixture
def server(small_site) -> Iterator[SiteServer]:
    with serving(small_site) as server:
        yield server


def get(port: int, path: str) -> tuple[int, str]:
    """GET with http.client, which sends the path exactly as written (no `..` folding)."""
    status, _, body = ask(port, path)
    return status, body.decode("utf-8", "replace")


def ask(port: int, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def edit_article(site: Path, old: str, new: str) -> None:
    path = site / ARTICLE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def eventually(condition, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


# --- the live server ----------------------------------------------------------


def test_the_site_is_served_locally_with_the_reload_script_and_nothing_outside_output(small_site):
    config = small_site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("base_url: /", "base_url: https://example.org/b/"),
                      encoding="utf-8")
    with serving(small_site) as server:
        status, page = get(server.port, "/ar/")
        assert status == 200 and "livereload.js" in page.partition("</head>")[0]
        assert get(server.port, "/livereload.js")[0] == 200
        status, page = get(server.port, "/no-such-page/")  # links point here, whatever site.yaml says
        assert status == 404 and 'href="/static/style.css"' in page and "example.org" not in page
        for path in ("/../site.yaml", "/%2e%2e/site.yaml", "/ar/../../site.yaml", "/..%2fsite.yaml",
                     "/%2e%2e%2f%2e%2e%2fsite.yaml", "/static/%2e%2e/../site.yaml", "/%00/../site.yaml"):
            status, body = get(server.port, path)
            assert status in (400, 404) and "base_url" not in body, path
        assert server.builds == 1 and server.problems == ()


def test_head_announces_the_length_get_sends(server):
    """livereload counted the body HEAD returns (none) after putting its script in: Content-Length was 0."""
    for path in ("/ar/", ARTICLE_URL, "/static/style.css", "/no-such-page/"):
        got, head = ask(server.port, path), ask(server.port, path, "HEAD")
        assert head[0] == got[0] and head[2] == b"", path
        assert int(head[1]["Content-Length"]) == int(got[1]["Content-Length"]) == len(got[2]) > 0, path
        assert head[1]["Content-Type"] == got[1]["Content-Type"], path


def test_paths_the_system_cannot_look_up_are_not_found(server, caplog, capfd):
    """A segment over 255 bytes or a path deeper than PATH_MAX made the file system raise: a 500 and a traceback."""
    (server.output / "loop").symlink_to("loop")
    paths = ["/" + "a" * 256, "/ar/" + "%D8%B9" * 128 + ".html", "/" + "a/" * 3000 + "x.html", "/loop", "/loop/"]
    with caplog.at_level(logging.WARNING):
        for path in paths:
            for method in ("GET", "HEAD"):
                status, headers, _ = ask(server.port, path, method)
                assert status == 404 and int(headers["Content-Length"]) > 0, (method, path[:40])
    assert not [r for r in caplog.records if r.exc_info], "no request may end in an exception"
    assert "Traceback" not in capfd.readouterr().err


def test_an_edit_is_rebuilt_with_no_browser_connected(server, small_site):
    """python-livereload#176: its own watchers only run while a browser is connected; ours must not care."""
    assert not LiveReloadHandler.waiters
    assert ORIGINAL_WORDS in get(server.port, ARTICLE_URL)[1]
    edit_article(small_site, ORIGINAL_WORDS, EDITED_WORDS)
    assert eventually(lambda: EDITED_WORDS in get(server.port, ARTICLE_URL)[1])
    assert ORIGINAL_WORDS not in get(server.port, ARTICLE_URL)[1]
    assert server.wait_for_builds(2, TIMEOUT) and server.builds == 2
    assert server.state.page_index.readers, "serve holds the page index turned around, for the next rebuild"


def test_a_burst_of_saves_is_built_once(server, small_site):
    for save in range(5):
        edit_article(small_site, ORIGINAL_WORDS if save == 0 else f"كلمة{save - 1} الرئيس الصيني",
                     f"كلمة{save} الرئيس الصيني")
        time.sleep(0.03)
    assert server.wait_for_builds(2, TIMEOUT)
    assert not server.wait_for_builds(3, DEBOUNCE + 5 * POLL + 0.3)
    assert "كلمة4 الرئيس الصيني" in get(server.port, ARTICLE_URL)[1]


def test_each_rebuild_prints_only_the_problems_it_brought(small_site, capfd):
    """A big archive has hundreds of standing warnings: serve printed them all again after every save."""
    other = small_site / "content/articles/2023-05-19-mishustin-to-visit-beijing.md"
    other.write_text(other.read_text(encoding="utf-8").replace("date: 2023-05-19", "date: 2099-05-19"),
                     encoding="utf-8")
    with serving(small_site) as server:
        standing = {line for line in capfd.readouterr().err.splitlines() if ": warning" in line}
        assert any("2099-05-19" in line for line in standing)

        edit_article(small_site, ORIGINAL_WORDS, EDITED_WORDS)
        assert server.wait_for_builds(2, TIMEOUT) and server.problems == ()
        printed = capfd.readouterr().err.splitlines()
        assert not standing & set(printed)
        assert f"{len(standing)} problem(s) printed by an earlier build still stand; " \
               "`python -m generator check` lists them all." in printed

        path = small_site / ARTICLE
        path.write_text(path.read_text(encoding="utf-8").replace("date: 2023-03-17", "date: 2099-03-17"),
                        encoding="utf-8")
        assert server.wait_for_builds(3, TIMEOUT) and server.problems == ()
        printed = capfd.readouterr().err.splitlines()
        new = [line for line in printed if ": warning" in line]
        assert new and all(line.startswith(ARTICLE) for line in new) and not standing & set(printed)


async def first_message_after(server: SiteServer, action) -> dict:
    """Connect as livereload.js does, run `action` (in a thread), and return the next message the browser gets."""
    socket_ = await websocket_connect(f"ws://127.0.0.1:{server.port}/livereload")
    await socket_.write_message(json.dumps(
        {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    hello = json.loads(await asyncio.wait_for(socket_.read_message(), TIMEOUT))
    assert hello["command"] == "hello"
    # livereload.js follows with "info"; only then does the server count it as a browser to reload.
    await socket_.write_message(json.dumps({"command": "info", "url": server.url + "ar/", "plugins": {}}))
    await asyncio.wait_for(_until(lambda: LiveReloadHandler.waiters), TIMEOUT)
    await asyncio.to_thread(action)
    message = json.loads(await asyncio.wait_for(socket_.read_message(), TIMEOUT))
    socket_.close()
    return message


def test_a_connected_browser_is_told_to_reload_after_the_rebuild(server, small_site):
    message = asyncio.run(first_message_after(server, lambda: edit_article(small_site, ORIGINAL_WORDS, EDITED_WORDS)))
    assert message["command"] == "reload"
    assert EDITED_WORDS in get(server.port, ARTICLE_URL)[1]  # the reload is sent only once the new pages are in place


async def messages_during(server: SiteServer, action, builds: int) -> list[dict]:
    """Connect as livereload.js does, run `action`, and return every message the browser gets until
    `builds` builds have finished, and for a moment after."""
    socket_ = await websocket_connect(f"ws://127.0.0.1:{server.port}/livereload")
    await socket_.write_message(json.dumps(
        {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    assert json.loads(await asyncio.wait_for(socket_.read_message(), TIMEOUT))["command"] == "hello"
    await socket_.write_message(json.dumps({"command": "info", "url": server.url + "ar/", "plugins": {}}))
    await asyncio.wait_for(_until(lambda: LiveReloadHandler.waiters), TIMEOUT)
    await asyncio.to_thread(action)
    await asyncio.wait_for(_until(lambda: server.builds >= builds), TIMEOUT)
    messages = []
    while True:
        try:
            message = await asyncio.wait_for(socket_.read_message(), 1.0)
        except asyncio.TimeoutError:
            break
        messages.append(json.loads(message))
    socket_.close()
    return messages


@pytest.mark.parametrize("rebuild_is_fast", [True, False])
def test_a_save_reloads_the_browser_once_onto_the_whole_rebuilt_site_when_the_rebuild_is_fast(
        server, small_site, monkeypatch, rebuild_is_fast):
    """A site whose last build took no longer than CONSISTENT_WITHIN gets no draft: the browser
    reloads once, after the rebuild, and every page it can reach is the rebuilt one. A slower site
    shows the draft first, then reloads again with the rebuilt site."""
    monkeypatch.setattr(generator.serve, "CONSISTENT_WITHIN", 3600.0 if rebuild_is_fast else 0.0)
    messages = asyncio.run(messages_during(server, lambda: edit_article(small_site, ORIGINAL_WORDS, EDITED_WORDS),
                                           builds=2))
    assert [m["command"] for m in messages] == ["reload"] * (1 if rebuild_is_fast else 2)
    assert server.drafts == {}
    output = small_site / "output"
    pages = sorted(p for p in output.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:  # what the browser can reach is what the rebuild wrote
        status, served = get(server.port, "/" + page.relative_to(output).as_posix())
        assert status == 200
        assert LIVERELOAD_SCRIPT.sub("", served, count=1) == page.read_text(encoding="utf-8"), page
    assert EDITED_WORDS in get(server.port, ARTICLE_URL)[1]


async def _until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.02)


def test_a_saved_articles_draft_is_served_until_the_rebuild_has_published(small_site, monkeypatch):
    # No watcher: without change notices and with an hourly look, only the test's own calls build.
    quiet = generator.serve.Watcher
    monkeypatch.setattr(generator.serve, "Watcher", lambda *args, notices, **kwargs: quiet(*args, **kwargs))
    server = SiteServer(BuildOptions(site_dir=small_site), port=free_port(), poll_interval=3600)
    server.start()
    try:
        edit_article(small_site, ORIGINAL_WORDS, EDITED_WORDS)
        message = asyncio.run(first_message_after(server, lambda: server.show_drafts([str(small_site / ARTICLE)])))
        assert message["command"] == "reload"  # the browser is told as soon as the draft is there
        status, page = get(server.port, ARTICLE_URL)
        assert status == 200 and EDITED_WORDS in page and "livereload.js" in page.partition("</head>")[0]
        built = (small_site / "output" / ARTICLE_URL.strip("/")).read_text(encoding="utf-8")
        assert ORIGINAL_WORDS in built and server.builds == 1  # the draft was made, not built

        server.rebuild()
        assert server.drafts == {} and server.builds == 2
        assert EDITED_WORDS in get(server.port, ARTICLE_URL)[1]
    finally:
        server.stop(timeout=TIMEOUT)


def test_a_broken_article_shows_the_error_page_until_it_is_fixed(server, small_site):
    path = small_site / ARTICLE
    original = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", "title: [unclosed", original, count=1, flags=re.M), encoding="utf-8")
    assert server.wait_for_builds(2, TIMEOUT)
    status, page = get(server.port, "/ar/")
    assert status == 500
    assert "Build failed" in page and ARTICLE in page and "livereload.js" in page
    assert get(server.port, ARTICLE_URL)[0] == 500
    assert get(server.port, "/static/style.css")[0] == 200  # the stylesheet is not a page

    path.write_text(original, encoding="utf-8")
    assert server.wait_for_builds(3, TIMEOUT)
    status, page = get(server.port, "/ar/")
    assert status == 200 and "Build failed" not in page
    assert server.problems == ()


def test_an_unexpected_error_in_a_build_is_reported_and_cleared_by_the_next_build(small_site, monkeypatch):
    server = SiteServer(BuildOptions(site_dir=small_site))
    monkeypatch.setattr(generator.serve, "build", Mock(side_effect=RuntimeError("renderer exploded")))
    server.rebuild()
    assert [(d.level, d.message) for d in server.problems] == [("error", "unexpected RuntimeError: renderer exploded")]
    monkeypatch.setattr(generator.serve, "build", Mock(return_value=BuildReport(state=BuildState())))
    server.rebuild()
    assert server.problems == () and server.builds == 2


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # tornado leaves the socket that failed to bind to the GC
def test_stop_frees_the_port_and_a_taken_port_is_reported(small_site, monkeypatch):
    # this test is about sockets
    monkeypatch.setattr(generator.serve, "build", Mock(return_value=BuildReport(state=BuildState())))
    with serving(small_site) as first:
        with pytest.raises(OSError):
            SiteServer(BuildOptions(site_dir=small_site), port=first.port).start()
        gc.collect()
    assert not any(t.name.startswith("serve-") for t in threading.enumerate())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", first.port))


# --- the command -------------------------------------------------------------------


def command_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", type=Path, default=Path("."))
    serve_command.add_arguments(parser)
    return parser.parse_args(argv)


def test_the_command_listens_on_loopback_by_default_and_checks_the_port():
    args = command_args()
    assert (args.host, args.port, args.base_url, args.open) == ("127.0.0.1", 8000, None, False)
    with pytest.raises(SystemExit):
        command_args("--port", "0")


@pytest.mark.filterwarnings("ignore::ResourceWarning")  # tornado leaves the socket that failed to bind to the GC
def test_the_command_reports_a_taken_port(sample_site, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        before = signal.getsignal(signal.SIGTERM)
        assert serve_command.run(command_args("--site", str(sample_site), "--port", str(port))) == 1
        assert signal.getsignal(signal.SIGTERM) is before  # run() leaves the process's handler as it found it
    gc.collect()
    error = capsys.readouterr().err
    assert f"Cannot listen on 127.0.0.1:{port}" in error and "try --port" in error


# --- the file server, called directly ------------------------------------------


@pytest.fixture
def output(tmp_path) -> Path:
    out = tmp_path / "output"
    files = {
        "index.html": "<html><head></head><body>home</body></html>",
        "404.html": "<html><head></head><body>custom not found</body></html>",
        "ar/index.html": "<html><head></head><body>عربي</body></html>",
        "ar/مقال/index.html": "<html><head></head><body>مقال</body></html>",
        "static/style.css": "body{}", "static/logo.svg": "<svg/>", "static/app.js": "1",
        "static/font.woff2": "wOF2", "feed.xml": "<rss/>", "search.json": "{}",
    }
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    (out / "empty").mkdir()
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "index.html").write_text("outside", encoding="utf-8")
    (out / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (out / "leakdir").symlink_to(tmp_path / "outside")
    return out


def call(app: OutputApp, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
    answer = {}

    def start_response(status, headers):
        answer.update(status=int(status[:3]), headers=dict(headers))

    wsgi_path = path.encode("utf-8").decode("latin-1")  # how a WSGI server hands over a UTF-8 path
    body = b"".join(app({"REQUEST_METHOD": method, "PATH_INFO": wsgi_path}, start_response))
    return answer["status"], answer["headers"], body


def healthy(output: Path, prefix: str = "/") -> OutputApp:
    return OutputApp(output, prefix, lambda: ())


@pytest.mark.parametrize("path, content_type", [
    ("/static/style.css", "text/css; charset=utf-8"), ("/static/logo.svg", "image/svg+xml"),
    ("/feed.xml", "application/xml"), ("/search.json", "application/json"),
    ("/static/app.js", "text/javascript; charset=utf-8"), ("/static/font.woff2", "font/woff2"),
    ("/", "text/html; charset=utf-8"), ("/ar/", "text/html; charset=utf-8"),
])
def test_files_are_served_with_their_content_type(output, path, content_type):
    status, headers, _ = call(healthy(output), path)
    assert (status, headers["Content-Type"]) == (200, content_type)


def test_folders_serve_their_index_and_are_never_listed(output):
    app = healthy(output)
    assert call(app, "/ar/مقال/")[2] == "<html><head></head><body>مقال</body></html>".encode()
    status, headers, _ = call(app, "/ar")
    assert (status, headers["Location"]) == (302, "/ar/")
    status, _, body = call(app, "/empty/")
    assert status == 404 and b"custom not found" in body


def test_a_page_is_served_without_its_html_extension_as_on_github_pages(output):
    app = OutputApp(output, "/", lambda: (), lambda: {"ar/articles/draft.html": b"<html>draft</html>"})
    assert call(app, "/ar/index")[::2] == call(app, "/ar/index.html")[::2] == (200, (output / "ar/index.html").read_bytes())
    assert call(app, "/ar/articles/draft")[::2] == (200, b"<html>draft</html>")
    assert call(app, "/ar/index/")[0] == 404 and call(app, "/ar/missing")[0] == 404


def test_drafts_are_served_before_the_files_of_output_and_as_folders(output):
    drafts = {"ar/new/index.html": b"<html><head></head><body>draft</body></html>",
              "ar/index.html": b"<html><head></head><body>drafted home</body></html>"}
    app = OutputApp(output, "/", lambda: (), lambda: drafts)
    assert call(app, "/ar/new/")[::2] == (200, drafts["ar/new/index.html"])
    status, headers, _ = call(app, "/ar/new")
    assert (status, headers["Location"]) == (302, "/ar/new/")
    assert call(app, "/ar/")[2] == drafts["ar/index.html"]
    assert call(app, "/static/style.css")[2] == b"body{}"


def test_links_out_of_the_output_are_not_followed(output):
    app = healthy(output)
    for path in ("/leak.txt", "/leakdir/", "/leakdir/index.html"):
        status, _, body = call(app, path)
        assert status == 404 and b"secret" not in body and b"outside" not in body


def test_missing_pages_get_a_plain_404_when_the_site_has_no_404_page(output):
    (output / "404.html").unlink()
    status, _, body = call(healthy(output), "/nothing-here/")
    assert (status, body) == (404, b"Not found.")


def test_a_failed_build_replaces_pages_but_not_assets(output):
    problem = Diagnostic("error", "content/articles/x.md", "bad <title>", line=2, hint="close the bracket")
    shown = "<code>content/articles/x.md:2</code>: bad &lt;title&gt; — close the bracket".encode()
    app = OutputApp(output, "/", lambda: (problem,))
    for path in ("/", "/ar/", "/ar/index.html", "/missing", "/ar/v1.2/"):
        status, _, body = call(app, path)
        assert status == 500 and shown in body, path
    status, _, body = call(app, "/static/style.css")
    assert (status, body) == (200, b"body{}")


def test_the_site_is_mounted_under_the_base_url_path(output):
    app = healthy(output, served_prefix("https://org.github.io/briefing"))
    assert call(app, "/briefing/ar/")[0] == 200
    assert call(app, "/")[1]["Location"] == "/briefing/"
    assert call(app, "/briefing")[1]["Location"] == "/briefing/"
    assert call(app, "/ar/")[0] == 404


def test_only_get_and_head_are_answered(output):
    app = healthy(output)
    status, headers, body = call(app, "/", "HEAD")
    assert (status, body) == (200, b"") and int(headers["Content-Length"]) > 0
    assert call(app, "/", "POST")[0] == 405


@given(message=st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")), min_size=1),
       hint=st.none() | st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")), min_size=1),
       line=st.none() | st.integers(1, 10**6))
def test_the_error_page_shows_each_problem_as_text(message, hint, line):
    page = error_page([Diagnostic("error", "content/articles/x.md", message, line=line, hint=hint)])
    tree = lxml.html.fromstring(page.decode("utf-8"))
    where = "content/articles/x.md" + (f":{line}" if line else "")
    assert [li.text_content() for li in tree.iter("li")] == [f"{where}: {message}" + (f" — {hint}" if hint else "")]
    assert not tree.xpath("//script") and b"</head>" in page


# --- the watcher ------------------------------------------------------------------


def test_the_watcher_sees_edits_additions_and_removals_but_not_editor_leftovers(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("one", encoding="utf-8")
    (tmp_path / "site.yaml").write_text("x: 1", encoding="utf-8")
    (tmp_path / "content" / "out").mkdir()
    watcher = Watcher([tmp_path / "content", tmp_path / "site.yaml", tmp_path / "missing"],
                      ignored=[tmp_path / "content" / "out"])
    assert watcher.changes() == set()
    (tmp_path / "content" / "a.md").write_text("two", encoding="utf-8")
    (tmp_path / "content" / "b.md").write_text("new", encoding="utf-8")
    (tmp_path / "site.yaml").unlink()
    assert watcher.changes() == {str(tmp_path / p) for p in ("content/a.md", "content/b.md", "site.yaml")}
    for leftover in (".a.md.swp", "a.md~", ".#a.md", "out/index.html"):
        (tmp_path / "content" / leftover).write_text("x", encoding="utf-8")
    assert watcher.changes() == set()


def test_the_watcher_waits_for_a_burst_to_settle_and_stops_on_request(tmp_path):
    watcher = Watcher([tmp_path], poll_interval=0.02, debounce=0.15)
    stop = threading.Event()
    result: list[list[str]] = []
    waiting = threading.Thread(target=lambda: result.append(watcher.wait_for_change(stop)))
    waiting.start()
    started = time.monotonic()
    for n in range(4):
        (tmp_path / f"{n}.md").write_text("x", encoding="utf-8")
        time.sleep(0.05)
    waiting.join(TIMEOUT)
    assert result == [[str(tmp_path / f"{n}.md") for n in range(4)]]
    assert time.monotonic() - started >= 0.15 + 0.15
    stop.set()
    assert watcher.wait_for_change(stop) == []


def test_the_watcher_hears_of_saves_in_its_folders_at_once_and_polls_single_files(tmp_path):
    """With notices, a save in a watched folder is reported without waiting for a look (here one
    look every 30 s), saves made while nobody waits (during a build) are kept for the next wait,
    leftovers and ignored folders are not reported, and a folder replaced is polled from then on."""
    content, config = tmp_path / "content", tmp_path / "site.yaml"
    (content / "articles").mkdir(parents=True)
    (content / "out").mkdir()
    article = content / "articles" / "a.md"
    article.write_text("one", encoding="utf-8")
    config.write_text("x: 1", encoding="utf-8")
    watcher = Watcher([config, content], ignored=[content / "out"], poll_interval=30.0, debounce=0.1, notices=True)
    assert list(watcher.snapshot()) == [str(config)], "only the single file is polled"
    stop = threading.Event()

    def waited() -> tuple[list[str], float]:
        started = time.monotonic()
        return watcher.wait_for_change(stop), time.monotonic() - started

    threading.Timer(0.3, lambda: article.write_text("two", encoding="utf-8")).start()
    changed, seconds = waited()
    assert changed == [str(article)] and seconds < 5.0
    for leftover in ("articles/.a.md.swp", "articles/a.md~", "out/index.html"):
        (content / leftover).write_text("x", encoding="utf-8")
    added = content / "articles" / "b.md"
    added.write_text("new", encoding="utf-8")  # while no one waits: a build is under way
    changed, seconds = waited()
    assert changed == [str(added)] and seconds < 5.0

    content.rename(tmp_path / "content-old")
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "c.md").write_text("three", encoding="utf-8")
    changed, _ = waited()
    assert str(content / "articles" / "c.md") in changed
    watcher.poll_interval = 0.05
    threading.Timer(0.3, lambda: (content / "articles" / "c.md").write_text("four", encoding="utf-8")).start()
    assert waited()[0] == [str(content / "articles" / "c.md")], "the new folder is polled"
    stop.set()
    assert watcher.wait_for_change(stop) == []


def test_a_save_heard_by_notice_has_settled_and_a_polled_one_waits_the_debounce(tmp_path):
    """Notices come once a burst has been quiet: a save in a noticed folder is reported without the
    polling debounce (here 30 s), a change to a polled file only after it, even with a save beside it."""
    content, config = tmp_path / "content", tmp_path / "site.yaml"
    content.mkdir()
    config.write_text("x: 1", encoding="utf-8")
    stop = threading.Event()
    watcher = Watcher([config, content], poll_interval=0.02, debounce=30.0, notices=True)
    threading.Timer(0.3, lambda: (content / "a.md").write_text("one", encoding="utf-8")).start()
    started = time.monotonic()
    assert watcher.wait_for_change(stop) == [str(content / "a.md")]
    assert time.monotonic() - started < 10.0, "a noticed save waited for the polling debounce"

    watcher = Watcher([config, content], poll_interval=0.02, debounce=1.0, notices=True)
    started = time.monotonic()
    config.write_text("x: 2", encoding="utf-8")
    threading.Timer(0.3, lambda: (content / "b.md").write_text("two", encoding="utf-8")).start()
    assert watcher.wait_for_change(stop) == sorted([str(config), str(content / "b.md")])
    assert time.monotonic() - started >= 1.0, "a polled change was reported before it settled"


def test_the_watcher_looks_less_often_when_looking_is_slow(tmp_path, monkeypatch):
    """A big site: the pause between looks stretches to POLL_COST_FACTOR times a look's cost."""
    watcher = Watcher([tmp_path], poll_interval=0.001, debounce=0.1)
    looks = []

    def slow_snapshot():
        looks.append(time.monotonic())
        time.sleep(0.02)
        return {}

    monkeypatch.setattr(watcher, "snapshot", slow_snapshot)
    stop = threading.Event()
    waiting = threading.Thread(target=watcher.wait_for_change, args=(stop,))
    waiting.start()
    time.sleep(1.0)
    stop.set()
    waiting.join(TIMEOUT)
    gaps = [later - earlier for earlier, later in zip(looks, looks[1:])]
    assert gaps and min(gaps) >= 0.02 * (POLL_COST_FACTOR + 1) * 0.9, gaps


def test_serve_stops_cleanly_on_sigterm(sample_site):
    """A container or service manager stops serve with SIGTERM: it says so and exits 0, as on Ctrl+C."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(sample_site),
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                    break
            except OSError:
                time.sleep(0.2)
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    finally:
        server.kill()
    assert server.returncode == 0, output
    assert output.rstrip().endswith("Stopped."), output
