"""Which files under content/articles/ are articles, and reading them only when they are regular files.

An editor drops files into the folder and expects each to be read or told why not: a file that is
skipped is named with a warning, a link that leaves the site or goes nowhere, a pipe or folder under
an article's name, and a name too long to pair with a translation are errors naming the file.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .files import file_kind, read_regular
from .structure import Diagnostic

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")  # in any letter case, as Hugo and Pelican read them
TRANSLATION_SUFFIX = ".en.md"  # `<stem>.en.md` is the editors' English version of `<stem>.md`
_TRANSLATION_LIKE = (".en.md", ".en.markdown")  # lower-cased names an editor means as a translation
MAX_NAME_BYTES = 255  # bytes in one file name: the limit of ext4, XFS, Btrfs, APFS and most others
_LINK_HINT = "replace the link with the file itself, or delete it"


def article_stem(name: str) -> str | None:
    """The name without its article suffix (`Story.MD` → `Story`); None for any other name."""
    lower = name.lower()
    if name.startswith(".") or lower.endswith(_TRANSLATION_LIKE):
        return None
    for suffix in ARTICLE_SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return None


def translation_path(path: Path) -> Path:
    """Where the editors' English version of an article lives: beside it, `<stem>.en.md`."""
    return path.with_name(article_stem(path.name) + TRANSLATION_SUFFIX)


def translation_file(path: Path, root: Path) -> Path | None:
    """The editors' English version the article is read with: its file, when it is a regular file inside
    the site (anything else is reported when the folder is listed)."""
    translation = translation_path(path)
    return translation if os.path.isfile(translation) and inside(translation, root) else None


def translated_article(translation: Path) -> Path | None:
    """The article file that `translation` (`<stem>.en.md`) belongs to, whatever its suffix's letter case."""
    stem = translation.name[: -len(TRANSLATION_SUFFIX)]
    try:
        names = sorted(os.listdir(translation.parent))
    except OSError:
        return None
    return next((translation.with_name(name) for name in names if article_stem(name) == stem), None)


def inside(path: Path | str, root: Path) -> bool:
    """Whether `path`, links followed, is within `root` (a link going round in a loop counts as where it is)."""
    real, top = os.path.realpath(path), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def read_file(path: Path, rel: str, diagnostics: list[Diagnostic]) -> bytes | None:
    """The file's bytes, or None after reporting why not (a pipe or a folder is not opened for reading)."""
    try:
        return read_regular(path)
    except OSError as exc:
        diagnostics.append(Diagnostic("error", rel, f"cannot read this file: {exc.strerror or exc}",
                                      hint="check that it is a readable file"))
        return None


def article_files(folder: Path, root: Path) -> list[Diagnostic | tuple[Path, str]]:
    """The article files under `folder` as (path, display path), in file order, with a problem for every
    other entry but dot-files and the translations that have their article."""
    entries, found = _entries(folder, root)
    stems = {(path.parent, article_stem(path.name)) for _, path, _ in entries}
    folder_inside = inside(folder, root)  # links inside it are followed nowhere else: only they can leave it
    for _, path, kind in sorted(entries, key=lambda entry: entry[0]):
        rel = display_path(path, root)
        if not (inside(path, root) if kind == "link" else folder_inside):
            found.append(Diagnostic("error", rel, "this is a link to a place outside the site",
                                    hint="copy the article into content/articles/ instead of linking it"))
        elif not path.name.startswith("."):
            found.append(_classify(path, rel, None if kind == "file" else _not_regular(path), stems))
    return [item for item in found if item is not None]


def _entries(folder: Path, root: Path) -> tuple[list[tuple[tuple[str, ...], Path, str]], list[Diagnostic]]:
    """Every entry below `folder` but folders, as (path parts, path, "file" | "link" | "other"), and the
    folders that could not be listed. Links to folders are entries, not entered; dot-folders are skipped."""
    entries, problems = [], []
    waiting = [(folder, ())]
    while waiting:
        current, parts = waiting.pop()
        try:
            with os.scandir(current) as listing:
                children = list(listing)
        except OSError as exc:
            problems.append(Diagnostic("error", display_path(current, root),
                                       f"cannot list this folder: {exc.strerror or exc}",
                                       hint="make the folder readable, or move it out of content/articles/"))
            continue
        for child in children:
            if child.is_dir(follow_symlinks=False):
                if not child.name.startswith("."):
                    waiting.append((Path(child.path), parts + (child.name,)))
            else:
                kind = "link" if child.is_symlink() else "file" if child.is_file(follow_symlinks=False) else "other"
                entries.append((parts + (child.name,), Path(child.path), kind))
    return entries, problems


def _classify(path: Path, rel: str, kind: tuple[str, str | None] | None,
              stems: set) -> Diagnostic | tuple[Path, str] | None:
    """An article to read (path, rel), nothing (a translation read with its article), or a problem;
    `kind` says why the entry is no regular file (and what to do about a link), None when it is one."""
    name = path.name
    stem = article_stem(name)
    if name.lower().endswith(_TRANSLATION_LIKE):
        if kind:
            return Diagnostic("error", rel, kind[0],
                              hint=kind[1] or f"an editor translation is a text file named <slug>{TRANSLATION_SUFFIX}")
        if not name.endswith(TRANSLATION_SUFFIX):
            return Diagnostic("warning", rel, f"skipped: an editor translation's name ends in {TRANSLATION_SUFFIX}, "
                                              "in lower case", hint=f"rename it <slug>{TRANSLATION_SUFFIX}")
        if (path.parent, name[: -len(TRANSLATION_SUFFIX)]) not in stems:
            return Diagnostic("warning", rel, "editor translation without an Arabic article",
                              hint=f"name it after its article: <slug>{TRANSLATION_SUFFIX}")
        return None
    if stem is None:
        return Diagnostic("warning", rel, "skipped: not an article (" + ", ".join(ARTICLE_SUFFIXES) + ")",
                          hint="move other files out of content/articles/, or give an article one of these suffixes")
    if kind:
        return Diagnostic("error", rel, kind[0], hint=kind[1] or "articles must be plain .md, .markdown or .txt files")
    size = len(os.fsencode(stem + TRANSLATION_SUFFIX))
    if size > MAX_NAME_BYTES:
        return Diagnostic("error", rel, f"the file name is too long: with {TRANSLATION_SUFFIX} for its editor "
                          f"translation it would be {size} bytes, over the limit of {MAX_NAME_BYTES} bytes "
                          "per file name", hint="shorten the file name; the page address is made from its first "
                                                "80 characters")
    return path, rel


def _not_regular(path: Path) -> tuple[str, str | None] | None:
    """Why the entry at `path` (links followed) is no file to read, with a hint for a broken link; None
    when it is a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "this link goes round in a loop: it leads back to itself through other links", _LINK_HINT
        if exc.errno == errno.ENOENT:
            return "this link points to a file that does not exist", _LINK_HINT
        return f"cannot read this file: {exc.strerror or exc}", None
    return None if stat.S_ISREG(mode) else (f"this is {file_kind(mode)}, not a regular file", None)


def display_path(path: Path, root: Path) -> str:
    """The path for messages, with control, direction and undecodable characters written as escapes.

    A file name can hold anything but `/`; printed raw, it could rewrite the terminal or reverse the text.
    """
    full, top = str(path), str(root)  # strings, not pathlib: this runs for every article of every build
    prefix = top.rstrip("/") + "/"
    if full == top:
        text = "."
    elif full.startswith(prefix):
        text = full[len(prefix):]
    else:
        text = full
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
