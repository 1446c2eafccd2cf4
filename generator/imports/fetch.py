"""Polite, bounded HTTP for `import`: the standard library's urllib, with the limits a newsroom's
daily run needs so that one odd site can neither stall it nor flood the disk nor be hammered.

Every request names the project, waits at most TIMEOUT seconds for the network, is one of at most
MAX_PARALLEL at a time, asks robots.txt first, follows at most MAX_REDIRECTS redirects (each hop
checked again: http(s) only, robots.txt) and reads at most MAX_BYTES.
"""

from __future__ import annotations

import codecs
import re
import threading
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

USER_AGENT = "briefing-generator-import/0.1 (+https://github.com/; bilingual news-briefing site generator)"
ROBOTS_AGENT = "briefing-generator-import"
TIMEOUT = 10.0  # seconds to connect, and between bytes read
MAX_PARALLEL = 4
MAX_REDIRECTS = 5
MAX_BYTES = 5 * 1024 * 1024
_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class FetchFailed(Exception):
    """Why an address could not be fetched, in words for the report."""


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 when a conditional request found nothing new
    body: bytes
    headers: dict[str, str]  # lower-case names

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def text(self) -> str:
        """The body decoded by the charset of the header, else of a <meta>, else UTF-8 (windows-1256 pages
        declare it one of these ways; a charset Python does not know falls back to UTF-8)."""
        return self.body.decode(_codec(declared_charset(self.content_type, self.body)), errors="replace")


def declared_charset(content_type: str, body: bytes) -> str | None:
    message = Message()
    message["content-type"] = content_type or "application/octet-stream"
    charset = message.get_param("charset")
    if isinstance(charset, str) and charset.strip():
        return charset.strip()
    match = _META_CHARSET.search(body[:4096])
    return match[1].decode("ascii") if match else None


def _codec(charset: str | None) -> str:
    try:
        return codecs.lookup(charset).name if charset else "utf-8"
    except LookupError:
        return "utf-8"


def is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hand every redirect back to Fetcher.get, which checks each hop before following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Fetcher:
    """One per run: shares the robots.txt answers and the limit on requests at a time between threads."""

    def __init__(self) -> None:
        self._opener = urllib.request.build_opener(_NoRedirects())
        self._slots = threading.BoundedSemaphore(MAX_PARALLEL)
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}  # or why not crawled
        self._robots_lock = threading.Lock()

    def get(self, url: str, conditional: dict[str, str] | None = None) -> Response:
        """GET `url`, following redirects; `conditional` holds If-None-Match / If-Modified-Since."""
        for _ in range(MAX_REDIRECTS + 1):
            if not is_web_address(url):
                raise FetchFailed(f"not fetched: only http and https addresses are ({url[:80]})")
            if refusal := self.refusal(url):
                raise FetchFailed(refusal)
            status, headers, body = self._request(url, conditional or {})
            if status not in _REDIRECTS:
                return Response(url, status, body, headers)
            if "location" not in headers:
                raise FetchFailed(f"HTTP {status} redirect without a Location")
            url = urljoin(url, headers["location"])
        raise FetchFailed(f"too many redirects (more than {MAX_REDIRECTS})")

    def refusal(self, url: str) -> str | None:
        """Why robots.txt keeps us from `url`, or None when it may be fetched."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:  # one fetch of robots.txt per site, even with four threads asking
            if origin not in self._robots:
                self._robots[origin] = self._read_robots(origin + "/robots.txt")
            robots = self._robots[origin]
        if isinstance(robots, str):
            return robots
        return None if robots.can_fetch(ROBOTS_AGENT, url) else "disallowed by the site's robots.txt"

    def _read_robots(self, url: str) -> urllib.robotparser.RobotFileParser | str:
        """As urllib.robotparser reads it (401/403: nothing allowed, other 4xx: everything), but through
        our own limits; a site whose robots.txt cannot be read (network, 5xx) is not crawled."""
        robots = urllib.robotparser.RobotFileParser(url)
        try:
            status, _, body = self._request(url, {})
        except FetchFailed as failure:
            return f"robots.txt could not be read ({failure}): not crawled"
        if status >= 500:
            return f"robots.txt answered HTTP {status}: not crawled"
        if status in (401, 403):
            robots.disallow_all = True
        elif 400 <= status < 500 or status in _REDIRECTS:
            robots.allow_all = True
        else:
            robots.parse(body.decode("utf-8", errors="replace").splitlines())
        return robots

    def _request(self, url: str, conditional: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity",
                                                       **conditional})
        with self._slots:
            try:
                with self._opener.open(request, timeout=TIMEOUT) as answer:
                    return answer.status, _lower(answer.headers), _read_limited(answer)
            except urllib.error.HTTPError as error:
                headers = _lower(error.headers)
                error.close()  # its body is not read: give the connection back
                if error.code in _REDIRECTS or error.code == 304 or url.endswith("/robots.txt"):
                    return error.code, headers, b""
                raise FetchFailed(f"HTTP {error.code} {error.reason}") from None
            except (urllib.error.URLError, OSError, ValueError) as error:
                reason = getattr(error, "reason", None) or error
                raise FetchFailed(f"network error: {reason}") from None


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in (headers or {}).items()}


def _read_limited(answer) -> bytes:
    """The body, refused when it says or turns out to be over MAX_BYTES (a missing or false
    Content-Length must not let a page fill the memory)."""
    length = answer.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > MAX_BYTES:
        raise FetchFailed(f"larger than {MAX_BYTES // (1024 * 1024)} MB ({int(length)} bytes): not read")
    chunks, size = [], 0
    while chunk := answer.read(_CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchFailed(f"larger than {MAX_BYTES // (1024 * 1024)} MB: stopped reading")
        chunks.append(chunk)
    return b"".join(chunks)
