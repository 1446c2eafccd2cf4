"""`models install`: the site's model from the Argos package index, over networks as users have them.

What real networks and hosts do, and what we do about it: some hosts refuse clients without a
User-Agent (we send our own); the index lists links we cannot fetch (`ipfs://`: skipped, with a
note); connections drop and bodies arrive cut short (each link is tried again after a growing
wait, the length is checked against Content-Length and the zip against its checksums); a link may
be gone for good (a 4xx: on to the next link at once). The file is written in the packages folder
under a hidden name and unpacked by models.install_from_file, so a killed download installs nothing.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from ..config import TranslationSettings
from .models import DOWNLOAD_PREFIX, ModelError, install_from_file, package_metadata, packages_folder

USER_AGENT = "briefing-generator (models install; +https://github.com/argosopentech/argos-translate)"
FETCHABLE_SCHEMES = ("http", "https")
RETRIED_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})  # the host may answer later
CHUNK = 1 << 16


@dataclass(frozen=True)
class RetryPolicy:
    """How often a link is tried and how long to wait in between (doubling from `first_wait`)."""

    attempts: int = 3
    first_wait: float = 2.0

    def wait_before(self, attempt: int) -> float:
        """Seconds to wait before attempt number `attempt` (2, 3, ...)."""
        return self.first_wait * 2 ** (attempt - 2)


class LinkFailed(Exception):
    """One attempt at one link failed; `transient` failures are worth another attempt."""

    def __init__(self, message: str, transient: bool):
        super().__init__(message)
        self.transient = transient


def install_from_index(settings: TranslationSettings, progress: bool = True, retry: RetryPolicy = RetryPolicy(),
                       sleep: Callable[[float], None] = time.sleep,
                       note: Callable[[str], None] = lambda text: print(text, file=sys.stderr)) -> str:
    """Download the newest package for the site's language pair from the Argos index and install it."""
    from argostranslate import settings as argos_settings  # settings alone: no stanza, no torch

    index_url = argos_settings.remote_package_index
    entry = newest_entry(read_index(index_url, settings.install_timeout, retry, sleep, note), settings)
    folder = packages_folder()
    folder.mkdir(parents=True, exist_ok=True)
    tried = []
    for link in entry.get("links") or []:
        scheme = urlsplit(str(link)).scheme
        if scheme not in FETCHABLE_SCHEMES:
            tried.append(f"{link}: skipped ({scheme or 'no'}:// links cannot be fetched)")
            note(f"note: skipping {link}: only http(s) links can be fetched")
            continue
        try:
            path = download(str(link), folder, settings.install_timeout, retry, sleep, note, progress)
        except LinkFailed as exc:
            tried.append(f"{link}: {exc}")
            continue
        try:
            return install_from_file(path)
        except ModelError as exc:
            tried.append(f"{link}: {exc}")
        finally:
            path.unlink(missing_ok=True)
    version = entry.get("package_version", "")
    raise ModelError(f"could not download {settings.source}→{settings.target} {version} listed in {index_url}; "
                     "tried:\n  " + "\n  ".join(tried or ["(the index lists no download link)"]))


def offered_version(settings: TranslationSettings, retry: RetryPolicy = RetryPolicy()) -> str | None:
    """The package_version the index offers for the site's pair, None when it cannot tell: the Pages
    workflow keys its model cache on it, so a new version of the model is installed, not restored."""
    from argostranslate import settings as argos_settings

    try:
        index = read_index(argos_settings.remote_package_index, settings.install_timeout, retry, time.sleep,
                           lambda text: print(text, file=sys.stderr))
        return str(newest_entry(index, settings).get("package_version", "")) or None
    except ModelError:
        return None


def newest_entry(index: list, settings: TranslationSettings) -> dict:
    """The index's translation package for the site's pair with the highest package_version."""
    from packaging.version import InvalidVersion, Version

    def version_of(entry: dict) -> Version:
        try:
            return Version(str(entry.get("package_version", "0")))
        except InvalidVersion:
            return Version("0")

    entries = [p for p in index if isinstance(p, dict) and p.get("from_code") == settings.source
               and p.get("to_code") == settings.target and p.get("type", "translate") == "translate"]
    if not entries:
        raise ModelError(f"the Argos package index has no {settings.source}→{settings.target} model")
    return max(entries, key=version_of)


def read_index(url: str, timeout: float, retry: RetryPolicy, sleep: Callable[[float], None],
               note: Callable[[str], None]) -> list:
    with tempfile.TemporaryDirectory() as folder:
        try:
            path = download(url, Path(folder), timeout, retry, sleep, note, progress=False, check=None)
        except LinkFailed as exc:
            raise ModelError(f"cannot read the Argos package index {url}: {exc}") from None
        try:
            index = json.loads(path.read_bytes())
        except ValueError as exc:
            raise ModelError(f"the Argos package index {url} is not JSON ({exc})") from None
    if not isinstance(index, list):
        raise ModelError(f"the Argos package index {url} is not a list of packages")
    return index


def download(url: str, folder: Path, timeout: float, retry: RetryPolicy, sleep: Callable[[float], None],
             note: Callable[[str], None], progress: bool,
             check: Callable[[Path], object] | None = package_metadata) -> Path:
    """`url` in a hidden file in `folder`, complete and, by `check`, sound; LinkFailed after the
    last attempt, or at once when another attempt cannot help."""
    for attempt in range(1, retry.attempts + 1):
        if attempt > 1:
            wait = retry.wait_before(attempt)
            note(f"retrying {url} in {wait:g} s (attempt {attempt} of {retry.attempts})")
            sleep(wait)
        try:
            return fetch_once(url, folder, timeout, progress, check)
        except LinkFailed as exc:
            if not exc.transient:
                raise
            if attempt == retry.attempts:
                raise LinkFailed(f"{exc} (after {attempt} attempts)", transient=True) from None
            note(f"{url}: {exc}")
    raise LinkFailed("no attempt made (attempts must be at least 1)", transient=False)


def fetch_once(url: str, folder: Path, timeout: float, progress: bool,
               check: Callable[[Path], object] | None) -> Path:
    handle, name = tempfile.mkstemp(prefix=DOWNLOAD_PREFIX, suffix=".part", dir=folder)
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            receive(url, out, timeout, progress)
        if check is not None:
            try:
                check(path)
            except ModelError as exc:
                raise LinkFailed(f"not a sound package: {str(exc).removeprefix(str(path) + ': ')}",
                                 transient=False) from None
        return path
    except BaseException:  # a failure or Ctrl-C: no half file left behind
        path.unlink(missing_ok=True)
        raise


def receive(url: str, out, timeout: float, progress: bool) -> None:
    """Write the body at `url` to `out`, all of it: LinkFailed when it is refused or cut short."""
    received, expected = 0, None
    try:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else None
            with progress_bar(expected, url, progress) as bar:
                for chunk in iter(lambda: response.read(CHUNK), b""):
                    out.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
    except urllib.error.HTTPError as exc:
        raise LinkFailed(f"HTTP {exc.code} {exc.reason}", transient=exc.code in RETRIED_STATUSES) from None
    except http.client.IncompleteRead:
        pass  # the length check below says how much came
    except (OSError, ValueError, http.client.HTTPException) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise LinkFailed(f"{type(exc).__name__}: {reason}", transient=True) from None
    if expected is not None and received != expected:
        raise LinkFailed(f"cut off after {received} of {expected} bytes", transient=True)


def progress_bar(total: int | None, url: str, shown: bool):
    """Bytes received, with speed and time left (tqdm), on stderr."""
    from tqdm import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=url.rsplit("/", 1)[-1],
                file=sys.stderr, disable=not shown, leave=False)
