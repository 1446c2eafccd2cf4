"""Installing and listing Argos Translate packages (`python -m generator models ...`).

Installation goes through argostranslate.package, so packages land where Argos looks for them
(ARGOS_PACKAGES_DIR is respected). Downloads use our own client: a short timeout (Argos has none)
and a progress bar.
"""

from __future__ import annotations

import json
import sys
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..config import TranslationSettings
from .engine import installed_packages


class ModelError(Exception):
    """A model could not be installed; the message says why and what to do."""


@dataclass(frozen=True)
class ModelRow:
    name: str
    version: str
    pair: str
    path: Path
    serves_site: bool


def list_models(settings: TranslationSettings) -> list[ModelRow]:
    return [ModelRow(p.package_path.name, str(p.package_version), f"{p.from_code}→{p.to_code}", Path(p.package_path),
                     p.from_code == settings.source and p.to_code == settings.target)
            for p in installed_packages()]


def install_from_file(path: Path) -> str:
    """Install a local .argosmodel after checking it is one; returns the installed package's name."""
    metadata = _package_metadata(path)
    from argostranslate import package

    package.install_from_path(path)
    return f"{metadata.get('from_code')}→{metadata.get('to_code')} {metadata.get('package_version', '')}".strip()


def install_from_index(settings: TranslationSettings, progress: bool = True) -> str:
    """Download the package for the site's language pair from the Argos index and install it."""
    from argostranslate import settings as argos_settings

    index = json.loads(_fetch(argos_settings.remote_package_index, settings.install_timeout, progress=False))
    entry = next((p for p in index if p.get("from_code") == settings.source and p.get("to_code") == settings.target
                  and p.get("type", "translate") == "translate"), None)
    if entry is None:
        raise ModelError(f"the Argos package index has no {settings.source}→{settings.target} model")
    errors = []
    for link in entry.get("links", []):
        try:
            data = _fetch(link, settings.install_timeout, progress=progress)
        except ModelError as exc:
            errors.append(str(exc))
            continue
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "download.argosmodel"
            path.write_bytes(data)
            return install_from_file(path)
    raise ModelError("download failed: " + "; ".join(errors or ["the index lists no download link"]))


def _fetch(url: str, timeout: float, progress: bool) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            total = int(response.headers.get("Content-Length") or 0)
            chunks, done = [], 0
            bar = _progress_bar(total, url) if progress else None
            for chunk in iter(lambda: response.read(1 << 16), b""):
                chunks.append(chunk)
                done += len(chunk)
                if bar is not None:
                    bar.update(len(chunk))
            if bar is not None:
                bar.close()
            return b"".join(chunks)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot download {url}: {exc}") from None


def _progress_bar(total: int, url: str):
    from tqdm import tqdm

    return tqdm(total=total or None, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1], file=sys.stderr)


def _package_metadata(path: Path) -> dict:
    if not path.is_file():
        raise ModelError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"{path}: not an .argosmodel (a zip archive is expected)")
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith("/metadata.json")]
        if len(names) != 1:
            raise ModelError(f"{path}: no metadata.json under a single top folder: not an Argos package")
        unsafe = [n for n in archive.namelist() if n.startswith("/") or ".." in Path(n).parts]
        if unsafe:
            raise ModelError(f"{path}: archive entries point outside the package ({unsafe[0]}); refusing it")
        try:
            metadata = json.loads(archive.read(names[0]))
        except ValueError as exc:
            raise ModelError(f"{path}: unreadable metadata.json ({exc})") from None
    if metadata.get("type", "translate") != "translate":
        raise ModelError(f"{path}: a {metadata.get('type')!r} package, not a translation model")
    return metadata
