"""Static files: what static/ holds, published as it is, and nothing from outside the site.

A file is read only when it is a regular file whose real place is inside the site folder: a link
in static/ to /proc/self/environ would publish the build's environment, a pipe would stop the
build for ever, a device could be read without end.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .config import SiteConfig
from .load import display_path
from .structure import BuildFailed, Diagnostic, Page
from .urls import page_path

OUTSIDE = "this is a link to a place outside the site"  # as load.py says of article links


def static_files(config: SiteConfig) -> list[Page]:
    """The files under static/ (dot-files left out), published as they are; BuildFailed naming
    every file that may not be published."""
    folder = config.static_dir
    if not folder.is_dir():
        return []
    if not _inside(folder, config.root):
        raise BuildFailed([Diagnostic("error", display_path(folder, config.root), OUTSIDE,
                                      hint="make static/ a folder of the site instead of a link")])
    pages: list[Page] = []
    problems: list[Diagnostic] = []
    for path in sorted(folder.rglob("*")):  # rglob does not enter linked folders: each link is looked at here
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        found = _static_file(path, folder, config.root)
        if isinstance(found, Diagnostic):
            problems.append(found)
        elif found is not None:
            pages.append(found)
    if problems:
        raise BuildFailed(problems)
    return pages


def _static_file(path: Path, folder: Path, root: Path) -> Page | Diagnostic | None:
    """The page `path` publishes, or why it may not be published; None for a folder."""
    rel = display_path(path, root)
    link = path.is_symlink()
    if link and not _inside(path, root):
        return Diagnostic("error", rel, OUTSIDE, hint="copy the file into static/ instead of linking it")
    try:
        mode = os.stat(path).st_mode  # links followed: what would be read
        if stat.S_ISDIR(mode) and not link:
            return None
        if not stat.S_ISREG(mode):
            kind = f"a link to {file_kind(mode)}" if link else file_kind(mode)
            return Diagnostic("error", rel, f"this is {kind}, not a regular file",
                              hint="static/ publishes plain files only: copy the files in, or remove this one")
        target = page_path("static", key=path.relative_to(folder).as_posix())
        return Page(target, path.read_bytes())
    except ValueError:  # from page_path
        return Diagnostic("error", rel, "this file name cannot be published (it holds a control character "
                                        "or a backslash)", hint="rename the file")
    except OSError as exc:
        return None if exc.errno == errno.ENOENT and not link else _unreadable(rel, exc)  # None: removed meanwhile


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in the editor's words."""
    return ("a folder" if stat.S_ISDIR(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a special file")


def _unreadable(rel: str, exc: OSError) -> Diagnostic:
    """Why a file listed in static/ cannot be read, in the editor's words."""
    if exc.errno == errno.ELOOP:
        return Diagnostic("error", rel, "this link leads round in a loop and never reaches a file",
                          hint="replace the link with the file itself")
    if exc.errno == errno.ENOENT:
        return Diagnostic("error", rel, "this link leads to a file that does not exist",
                          hint="remove the link, or copy the file it meant into static/")
    return Diagnostic("error", rel, f"cannot read this file: {exc.strerror or exc}", hint="make it readable")


def _inside(path: Path, root: Path) -> bool:
    """Whether `path`, every link followed, is inside `root` (a link loop does not raise here)."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))
