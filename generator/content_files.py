"""Which files under content/articles/ are articles, and reading them only when they are regular files.

An editor drops files into the folder and expects each to be read or told why not: a file that is
skipped is named with a warning, a link that leaves the site or goes nowhere, a pipe or folder under
an article's name, and a name too long to pair with a translation are errors naming the file.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

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


Listed = Diagnostic | tuple[Path, str]  # a problem to report, or an article to read as (path, display path)


@dataclass(frozen=True)
class ArticleListing:
    """What listing content/articles/ found: for every entry in file order (by its path's parts),
    its path, kind and what it is to the build (`found`). Held between the builds of one serve
    session, so that a rebuild told which paths changed looks at those, not at every file
    (listing and classifying 20,000 files: 0.2 s at 10,000 articles)."""

    folder: str
    entries: Mapping[tuple[str, ...], tuple[Path, str, Listed | None]]
    problems: tuple[Diagnostic, ...]  # the folders that could not be listed
    stems: Mapping[tuple[Path, str | None], int]  # (folder, article stem) → entries with it

    @property
    def found(self) -> list[Listed]:
        """The article files as (path, display path), in file order, with a problem for every other
        entry but dot-files and the translations that have their article."""
        return [*self.problems, *(item for _, _, item in self.entries.values() if item is not None)]


def list_articles(folder: Path, root: Path) -> ArticleListing:
    """Every entry under `folder`, each classified (`ArticleListing.found`)."""
    entries, problems = _entries(folder, root)
    stems = Counter((path.parent, article_stem(path.name)) for _, path, _ in entries)
    folder_inside = inside(folder, root)  # links inside it are followed nowhere else: only they can leave it
    classified = {parts: (path, kind, _listed(path, kind, root, folder_inside, stems))
                  for parts, path, kind in sorted(entries, key=lambda entry: entry[0])}
    return ArticleListing(str(folder), classified, tuple(problems), stems)


def relist_articles(listing: ArticleListing | None, changed: Iterable[str], folder: Path,
                    root: Path) -> ArticleListing | None:
    """`listing` brought up to date with `changed`, every path changed since it was made: the changed
    entries, and the translations beside changed articles, classified again. None when a change is
    more than regular files added, changed or removed in folders the listing knows (a new or removed
    folder, a link, a pipe): then the folder is listed again."""
    if listing is None or listing.folder != str(folder) or listing.problems:
        return None
    top = str(folder) + os.sep
    folders = {parts[:-1] for parts in listing.entries} | {()}
    updates: dict[tuple[str, ...], bool] = {}  # parts → whether a regular file is there now
    for name in changed:
        if not name.startswith(top):
            continue  # not an article: site.yaml, a template
        parts = tuple(name[len(top):].split(os.sep))
        if any(part.startswith(".") for part in parts[:-1]):
            continue  # dot-folders are not listed
        if parts[:-1] not in folders:
            return None
        try:
            mode = os.lstat(name).st_mode
        except FileNotFoundError:
            if parts not in listing.entries and any(known[:len(parts)] == parts for known in listing.entries):
                return None  # a folder removed
            updates[parts] = False
            continue
        except OSError:
            return None
        if not stat.S_ISREG(mode):
            return None
        updates[parts] = True
    if not updates:
        return listing
    entries, stems = dict(listing.entries), Counter(listing.stems)
    for parts, present in updates.items():
        known = entries.pop(parts, None)
        if known is not None:
            stems[(known[0].parent, article_stem(known[0].name))] -= 1
        if present:
            path = Path(top + os.sep.join(parts))
            entries[parts] = (path, "file", None)
            stems[(path.parent, article_stem(path.name))] += 1
    stems = +stems  # without the counts that fell to nothing
    beside = {parts[:-1] + (stem + TRANSLATION_SUFFIX,) for parts in updates if (stem := article_stem(parts[-1]))}
    folder_inside = inside(folder, root)
    for parts in updates.keys() | beside:
        if parts in entries:
            path, kind, _ = entries[parts]
            entries[parts] = (path, kind, _listed(path, kind, root, folder_inside, stems))
    return ArticleListing(listing.folder, {parts: entries[parts] for parts in sorted(entries)}, (), stems)


def _listed(path: Path, kind: str, root: Path, folder_inside: bool, stems: Mapping) -> Listed | None:
    """What one entry is to the build: an article, a problem, or nothing (a dot-file, a translation)."""
    rel = display_path(path, root)
    if not (inside(path, root) if kind == "link" else folder_inside):
        return Diagnostic("error", rel, "this is a link to a place outside the site",
                          hint="copy the article into content/articles/ instead of linking it")
    if path.name.startswith("."):
        return None
    return _classify(path, rel, None if kind == "file" else _not_regular(path), stems)


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


def _classify(path: Path, rel: str, kind: tuple[str, str | None] | None, stems: Mapping) -> Listed | None:
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
