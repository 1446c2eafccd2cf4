"""Installing and listing Argos Translate packages (`python -m generator models ...`).

Packages land where Argos looks for them (ARGOS_PACKAGES_DIR is respected), but we unpack them
ourselves: argostranslate ≥ 1.10 imports stanza and spaCy while installing (which may fail, or
download), and it unzips straight into the packages folder, so an interrupted install leaves half a
package there. Ours unpacks into a hidden folder beside it and renames the package into place.
Downloading from the Argos index is in download.py.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..config import TranslationSettings
from .engine import installed_packages
from .tokenizers import package_layout

STAGING_PREFIX = ".installing-"  # hidden folders in the packages folder while a package is unpacked
DOWNLOAD_PREFIX = ".download-"  # hidden files in the packages folder while a package is downloaded


class ModelError(Exception):
    """A model could not be installed; the message says why and what to do."""


@dataclass(frozen=True)
class ModelRow:
    name: str
    version: str
    pair: str
    layout: str  # e.g. "SentencePiece, with stanza"
    path: Path
    serves_site: bool


def list_models(settings: TranslationSettings) -> list[ModelRow]:
    return [ModelRow(p.package_path.name, str(p.package_version), f"{p.from_code}→{p.to_code}",
                     package_layout(Path(p.package_path)).description, Path(p.package_path),
                     p.from_code == settings.source and p.to_code == settings.target)
            for p in installed_packages()]


def packages_folder() -> Path:
    """Where Argos installs packages (ARGOS_PACKAGES_DIR, else its data folder)."""
    from argostranslate import settings as argos_settings  # settings alone: no stanza, no torch

    return Path(argos_settings.package_data_dir)


def install_from_file(path: Path) -> str:
    """Install a local .argosmodel after checking it is one; returns what was installed."""
    metadata, top = package_metadata(path)
    folder = packages_folder()
    folder.mkdir(parents=True, exist_ok=True)
    remove_leftovers(folder, keep=Path(path).resolve())
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
    try:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(staging)
        target = folder / top
        if target.exists():
            os.rename(target, staging / ".replaced")
        os.rename(staging / top, target)
    except (OSError, zipfile.BadZipFile, zlib.error) as exc:
        raise ModelError(f"{path}: cannot install into {folder}: {exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return f"{metadata.get('from_code')}→{metadata.get('to_code')} {metadata.get('package_version', '')}".strip()


def remove_leftovers(folder: Path, keep: Path) -> None:
    """Unpacked or downloaded halves of packages a killed `models install` left behind (not `keep`,
    the download being installed)."""
    for child in folder.iterdir():
        if child.resolve() == keep:
            continue
        if child.name.startswith(STAGING_PREFIX):
            shutil.rmtree(child, ignore_errors=True)
        elif child.name.startswith(DOWNLOAD_PREFIX):
            child.unlink(missing_ok=True)


def package_metadata(path: Path) -> tuple[dict, str]:
    """The package's metadata.json and its top folder; ModelError unless it is a sound Argos package."""
    if not path.is_file():
        raise ModelError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"{path}: not an .argosmodel (a zip archive is expected)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.count("/") == 1 and n.endswith("/metadata.json")]
            if len(names) != 1:
                raise ModelError(f"{path}: no metadata.json under a single top folder: not an Argos package")
            top = names[0].split("/")[0]
            unsafe = [n for n in archive.namelist() if n.startswith("/") or ".." in Path(n).parts
                      or n.split("/")[0] != top]
            if unsafe:
                raise ModelError(f"{path}: archive entries outside the package folder ({unsafe[0]}); refusing it")
            damaged = archive.testzip()
            if damaged is not None:
                raise ModelError(f"{path}: damaged archive ({damaged} fails its checksum)")
            metadata = json.loads(archive.read(names[0]))
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise ModelError(f"{path}: damaged archive ({exc})") from None
    except ValueError as exc:
        raise ModelError(f"{path}: unreadable metadata.json ({exc})") from None
    if not isinstance(metadata, dict):
        raise ModelError(f"{path}: metadata.json is not an object: not an Argos package")
    if metadata.get("type", "translate") != "translate":
        raise ModelError(f"{path}: a {metadata.get('type')!r} package, not a translation model")
    return metadata, top
