"""The HTTP side of serve: output/ served as GitHub Pages serves it, behind livereload's server.

OutputApp is a plain WSGI app; livereload's container in front of it puts the reload script into
each HTML page. That container sets Content-Length to the body the app returned, and the app returns
none for HEAD; so HEAD runs the app as GET does and drops the body on the way out, and the headers
are GET's, length included.
"""

from __future__ import annotations

import html
from pathlib import Path, PurePosixPath
from typing import Callable, Sequence
from urllib.parse import unquote, urlsplit

from livereload import Server
from livereload.server import LiveScriptContainer
from tornado import httputil, web

from .draft import Drafts
from .structure import Diagnostic

StartResponse = Callable[[str, list[tuple[str, str]]], object]

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".webmanifest": "application/manifest+json",
}
HTML_SUFFIXES = ("", ".html", ".htm")  # a request for one of these is a request for a page


def served_prefix(base_url: str) -> str:
    """The URL path the site lives under (from --base-url), so absolute links work when served locally."""
    path = unquote(urlsplit(base_url).path).strip("/")
    return f"/{path}/" if path else "/"


def error_page(problems: Sequence[Diagnostic]) -> bytes:
    """The page shown instead of the site while the last build failed; it has a </head> for the reload script."""
    items = "\n".join(
        f'<li dir="auto"><code>{html.escape(d.path + (f":{d.line}" if d.line else ""))}</code>: '
        f"{html.escape(d.message)}{html.escape(f' — {d.hint}') if d.hint else ''}</li>"
        for d in problems)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Build failed</title>\n'
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}"
        "h1{color:#b00020}li{margin:.5rem 0}code{background:#f3f3f3;padding:0 .25rem}</style>\n</head>\n<body>\n"
        f"<h1>Build failed</h1>\n<p>{len(problems)} problem(s) stop the build. "
        "Fix them and save: this page reloads by itself.</p>\n"
        f"<ul>\n{items}\n</ul>\n</body>\n</html>\n").encode("utf-8")


class OutputApp:
    """WSGI app serving only regular files inside output/, or the build's problems while the last build failed,
    or the draft of a page while a build is on its way (generator.draft).

    No listings, no dot segments, nothing a symlink leads to outside output/. A folder is served as its
    index.html, `x` as x.html when there is no file x; anything missing gets output/404.html (all as
    GitHub Pages does).
    """

    def __init__(self, output: Path, prefix: str, problems: Callable[[], Sequence[Diagnostic]],
                 drafts: Callable[[], Drafts] = dict):
        self.output = output
        self.prefix = prefix
        self.problems = problems
        self.drafts = drafts

    def __call__(self, environ: dict, start_response: StartResponse) -> list[bytes]:
        body = self._answer(environ, start_response)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else body

    def _answer(self, environ: dict, start_response: StartResponse) -> list[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self._text(start_response, "405 Method Not Allowed", "Only GET and HEAD.", [("Allow", "GET, HEAD")])
        try:  # WSGI hands the decoded path over as latin-1; the site's paths are UTF-8
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
        except UnicodeError:
            return self._text(start_response, "400 Bad Request", "The path is not valid UTF-8.")
        if path != self.prefix and self.prefix.startswith(path.rstrip("/") + "/"):
            return self._redirect(start_response, self.prefix)
        if not path.startswith(self.prefix):
            return self._not_found(start_response)
        rest = path[len(self.prefix):]
        segments = rest.split("/")
        if any(s in (".", "..") or "\0" in s for s in segments):
            return self._text(start_response, "400 Bad Request", "The path may not contain . or .. segments.")
        problems = self.problems()
        if problems and (rest == "" or rest.endswith("/") or PurePosixPath(rest).suffix in HTML_SUFFIXES):
            return self._respond(start_response, "500 Internal Server Error", CONTENT_TYPES[".html"],
                                 error_page(problems))
        relative = "/".join(s for s in segments if s)
        drafts = self.drafts()
        if rest == "" or rest.endswith("/"):
            relative = f"{relative}/index.html".lstrip("/")
        elif self._inside(relative, Path.is_dir) or f"{relative}/index.html" in drafts:
            return self._redirect(start_response, path + "/")
        # As GitHub Pages does, an address without its ".html" (en/articles/x) serves the page.
        for candidate in (relative,) if rest == "" or rest.endswith("/") else (relative, f"{relative}.html"):
            if candidate in drafts:
                return self._respond(start_response, "200 OK", CONTENT_TYPES[".html"], drafts[candidate])
            target = self._inside(candidate, Path.is_file)
            if target:
                return self._file(start_response, "200 OK", target) or self._not_found(start_response)
        return self._not_found(start_response)

    def _inside(self, relative: str, kind: Callable[[Path], bool]) -> Path | None:
        """The real path of output/relative if it is of that kind and, links followed, still inside output/;
        None too for a path the system cannot look up (a name over 255 bytes, deeper than it allows, a
        link loop): no page has such a path, so it is a 404."""
        root = self.output.resolve()
        try:
            target = (root / relative).resolve()
            return target if target.is_relative_to(root) and kind(target) else None
        except (OSError, RuntimeError):  # RuntimeError: Python 3.11's resolve() meeting a link loop
            return None

    def _not_found(self, start_response: StartResponse) -> list[bytes]:
        page = self._inside("404.html", Path.is_file)
        served = page and self._file(start_response, "404 Not Found", page)
        return served or self._text(start_response, "404 Not Found", "Not found.")

    def _file(self, start_response: StartResponse, status: str, path: Path) -> list[bytes] | None:
        try:
            data = path.read_bytes()
        except OSError:  # a rebuild swapped output/ between the check and the read
            return None
        content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        return self._respond(start_response, status, content_type, data)

    def _redirect(self, start_response: StartResponse, location: str) -> list[bytes]:
        return self._text(start_response, "302 Found", "Moved.", [("Location", location)])

    def _text(self, start_response: StartResponse, status: str, message: str,
              headers: list[tuple[str, str]] | None = None) -> list[bytes]:
        return self._respond(start_response, status, CONTENT_TYPES[".txt"], message.encode("utf-8"), headers)

    @staticmethod
    def _respond(start_response: StartResponse, status: str, content_type: str, body: bytes,
                 headers: list[tuple[str, str]] | None = None) -> list[bytes]:
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
                                *(headers or [])])
        return [body]


def listen(app: OutputApp, port: int, host: str) -> None:
    """Serve `app` with livereload's script and websocket on the current tornado loop (OSError if the port
    is taken)."""
    _LiveServer(app=app).application(port, host, debug=False)


class _LiveServer(Server):
    """livereload's server, with its WSGI container replaced by one that answers HEAD as GET is answered."""

    def get_web_handlers(self, script: bytes) -> list:
        return [(r".*", web.FallbackHandler, {"fallback": _LiveContainer(_as_get(self.app), script)})]


class _LiveContainer(LiveScriptContainer):
    """livereload's container, with the body of a HEAD response dropped after its length is counted."""

    def __call__(self, request: httputil.HTTPServerRequest) -> None:
        if request.method == "HEAD":
            request.connection = _Bodiless(request.connection)
        super().__call__(request)


class _Bodiless:
    """A connection sending the headers it is given and no body (tornado refuses a body for HEAD)."""

    def __init__(self, connection: httputil.HTTPConnection):
        self._connection = connection

    def write_headers(self, start_line: httputil.ResponseStartLine, headers: httputil.HTTPHeaders,
                      chunk: bytes | None = None) -> object:
        return self._connection.write_headers(start_line, headers)

    def finish(self) -> None:
        self._connection.finish()


def _as_get(app: OutputApp) -> Callable[[dict, StartResponse], list[bytes]]:
    """`app` answering HEAD with GET's body too, for the container to count and drop."""
    return lambda environ, start_response: app(
        {**environ, "REQUEST_METHOD": "GET"} if environ.get("REQUEST_METHOD") == "HEAD" else environ, start_response)
