"""Load stage: read article files, decode them (`decoding.py`), parse front matter, infer what is
missing (`inference.py`).

Everything that can go wrong with one file becomes a Diagnostic naming that file (and line),
so one run reports every problem at once instead of stopping at the first.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import AbstractSet

from .arabic import normalize
from .article_cache import ArticleCache, CachedArticle
from .clean import clean_article, parse_blocks
from .config import CleaningRule, SiteConfig
from .content_files import (TRANSLATION_SUFFIX, ArticleListing, Listed, article_stem, display_path, inside,
                            list_articles, read_file, relist_articles, translated_article, translation_file,
                            translation_path)
from .decoding import clean_line, decode
from .files import file_stamp, read_regular
from .front_matter import build_meta, split_front_matter
from .runtime import fork_map
from .slugs import slug_from_filename
from .structure import ArticleRecord, Diagnostic, EditorTranslation, SourceArticle
from .yamlsafe import quoted

MAX_ARTICLE_BYTES = 1_000_000  # ten times the longest news article; more is a data dump, and slow to process


@dataclass(frozen=True)
class LoadResult:
    articles: list[SourceArticle]  # the files read anew, in file order
    diagnostics: list[Diagnostic]
    reused: dict[str, ArticleRecord] = field(default_factory=dict)  # path → records kept from earlier builds
    order: list[str] = field(default_factory=list)  # the path of every article, read or reused, in file order
    stamps: dict[str, tuple] = field(default_factory=dict)  # path → file stamp, for articles read anew
    file_diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)  # likewise: what reading said
    listing: ArticleListing | None = None  # what listing the folder found, for a rebuild told what changed


def load_articles(config: SiteConfig, cache: ArticleCache | None = None, workers: int = 1,
                  changed: AbstractSet[str] | None = None, listing: ArticleListing | None = None) -> LoadResult:
    """Read every article under content/articles/ (sorted, so builds are deterministic).

    With a cache, a file unchanged since an earlier build is not read: its kept record comes back in
    `reused` (and its diagnostics are reported again). Unchanged means: the same stamp, else the
    same bytes; or, when `changed` lists every path changed since the cache's last build (serve's
    watcher does), neither the article nor its translation among them (20,000 looks at 10,000
    articles saved); with it, `listing` (the last build's) is updated, not the folder listed again.
    The files to read are decoded and parsed on
    up to `workers` processes (10,000 of them took 2.7 s in this process alone); the checks across
    articles (slugs, titles) follow in file order, so the result does not depend on how.
    """
    folder = config.articles_dir
    if not folder.is_dir():
        return LoadResult([], [Diagnostic("error", display_path(folder, config.root), "the articles folder is missing",
                                          hint="create content/articles/ and put .md or .txt articles in it")])
    if changed is None or (listing := relist_articles(listing, changed, folder, config.root)) is None:
        listing = list_articles(folder, config.root)
    result = LoadResult([], [], listing=listing)
    diagnostics = result.diagnostics
    steps = _load_steps(listing.found, config.root, cache, changed)
    unread = [step for step in steps if isinstance(step, _Unread)]
    read = iter(list(fork_map(partial(_read, theme_ids={t.id for t in config.themes}, root=config.root,
                                      rules=config.cleaning),
                              [(step.path, step.rel) for step in unread], workers)))
    slugs: dict[str, str] = {}
    titles: dict[str, str] = {}
    for step in steps:
        if isinstance(step, Diagnostic):
            diagnostics.append(step)
            continue
        if isinstance(step, _Unread):
            article, file_diagnostics = next(read)
            result.stamps[step.rel] = step.stamp
            result.file_diagnostics[step.rel] = file_diagnostics
            diagnostics.extend(file_diagnostics)
        else:  # kept from an earlier build
            if step.cached.stamp != step.stamp:  # touched, not changed (a checkout, a CI runner): kept under its new stamp
                result.stamps[step.rel] = step.stamp
                result.file_diagnostics[step.rel] = list(step.cached.diagnostics)
            article = result.reused[step.rel] = step.cached.record
            diagnostics.extend(step.cached.diagnostics)
        if article is None:
            continue
        rel = step.rel
        if article.slug in slugs:
            diagnostics.append(Diagnostic("error", rel, f"slug {article.slug!r} is already used by {slugs[article.slug]}",
                                          hint="rename one of the two files: the file name gives the page address"))
            continue
        slugs[article.slug] = rel
        title_key = normalize(article.meta.title)
        if title_key in titles:
            diagnostics.append(Diagnostic("warning", rel, f"the title {quoted(article.meta.title)} is also the "
                                          f"title of {titles[title_key]}", key="title",
                                          hint="two pages with one headline confuse readers; reword one title"))
        titles.setdefault(title_key, rel)
        result.order.append(rel)
        if isinstance(article, SourceArticle):
            result.articles.append(article)
    return result


@dataclass(frozen=True)
class _Kept:
    """An article file the cache holds results for, unchanged (same stamp, else same bytes)."""

    rel: str
    stamp: tuple
    cached: CachedArticle


@dataclass(frozen=True)
class _Unread:
    """An article file to read anew."""

    path: Path
    rel: str
    stamp: tuple


def _load_steps(listed: list[Listed], root: Path, cache: ArticleCache | None,
                changed: AbstractSet[str] | None) -> list[Diagnostic | _Kept | _Unread]:
    """What each entry `listed` comes to, in file order: a problem to report, or an article the
    cache holds, or one to read."""
    steps: list[Diagnostic | _Kept | _Unread] = []
    touched = None if changed is None else {_article_key(name) for name in changed}
    for found in listed:
        if isinstance(found, Diagnostic):
            steps.append(found)
            continue
        path, rel = found
        cached = cache.lookup(rel) if cache is not None else None
        if cached is not None and touched is not None and _article_key(str(path)) not in touched:
            steps.append(_Kept(rel, cached.stamp, cached))
            continue
        stamp = file_stamp(path, translation_path(path))
        if cached is not None and (cached.stamp == stamp or _same_bytes(path, root, cached.record.content_hash)):
            steps.append(_Kept(rel, stamp, cached))
        else:
            steps.append(_Unread(path, rel, stamp))
    return steps


def _article_key(path: str) -> str:
    """An article's path without its suffix, the same for its editor translation: `a/b.md`,
    `a/b.en.md` → `a/b`. Plain strings: it runs for every article of a serve rebuild."""
    folder, _, name = path.rpartition(os.sep)
    stem = name[: -len(TRANSLATION_SUFFIX)] if name.endswith(TRANSLATION_SUFFIX) else article_stem(name) or name
    return f"{folder}{os.sep}{stem}"


def load_article(config: SiteConfig, path: Path) -> tuple[SourceArticle | None, list[Diagnostic]]:
    """One article (with its editor translation) read as `load_articles` reads it, and what reading it
    reported. The checks across articles (slugs, titles) are left to the full build."""
    return _read((path, display_path(path, config.root)), {t.id for t in config.themes}, config.root,
                 config.cleaning)


def article_file(path: Path, config: SiteConfig) -> Path | None:
    """The article file that `path` is or translates (`x.en.md` → `x.md`) when it is one `load_articles`
    reads and it exists; None for any other path."""
    if not path.is_relative_to(config.articles_dir) or any(part.startswith(".") for part in
                                                            path.relative_to(config.articles_dir).parts):
        return None  # dot-files and dot-folders are not read
    if path.name.endswith(TRANSLATION_SUFFIX):
        path = translated_article(path)
    elif article_stem(path.name) is None:
        return None
    return path if path is not None and os.path.isfile(path) and inside(path, config.root) else None


def _same_bytes(path: Path, root: Path, content_hash: str) -> bool:
    """Whether the article's files hold the bytes `content_hash` was made from: equal bytes read
    equally, so a touched file is known unchanged without parsing it."""
    translation = translation_file(path, root)
    try:
        data = read_regular(path)
        extra = read_regular(translation) if translation is not None else None
    except OSError:
        return False
    return _content_hash(data, extra) == content_hash


def _content_hash(data: bytes, translation: bytes | None = None) -> str:
    """SourceArticle.content_hash: of the article's bytes, then of those and its editor translation's."""
    digest = hashlib.sha256(data).hexdigest()
    return digest if translation is None else _with_translation(digest, translation)


def _with_translation(digest: str, translation: bytes) -> str:
    return hashlib.sha256((digest + translation.hex()).encode()).hexdigest()


def _read(file: tuple[Path, str], theme_ids: set[str], root: Path,
          rules: tuple[CleaningRule, ...]) -> tuple[SourceArticle | None, list[Diagnostic]]:
    """The article at (path, rel) and its editor translation, read from disk, and what they reported."""
    path, rel = file
    diagnostics: list[Diagnostic] = []
    article = read_article(path, rel, theme_ids, diagnostics)
    translation_path = translation_file(path, root)
    if article is not None and translation_path is not None:
        translation_rel = display_path(translation_path, root)
        data = read_file(translation_path, translation_rel, diagnostics)
        translation = None if data is None else read_editor_translation(data, translation_rel, diagnostics)
        if translation is not None:
            digest = _with_translation(article.content_hash, data)
            article = SourceArticle(article.path, article.slug, article.meta, article.body, article.body_line,
                                    digest, translation)
            diagnostics.extend(_unaligned(article, rules))
    return article, diagnostics


def _unaligned(article: SourceArticle, rules: tuple[CleaningRule, ...]) -> list[Diagnostic]:
    """The side-by-side view pairs the Arabic paragraphs, as cleaned, with the translation's one to one when
    the counts agree; otherwise only by their lengths (`align.py`), which can pair the wrong ones."""
    translation = article.editor_translation
    english = len(parse_blocks(translation.body))
    arabic = len(clean_article(article, rules).blocks)
    if english == arabic:
        return []
    return [Diagnostic("warning", translation.path, f"the editor translation has {english} paragraph(s), the Arabic "
                       f"article {arabic} (after cleaning): side by side, they are paired by length and may not line up",
                       hint="give the translation one paragraph for each Arabic paragraph, in the same order")]


def read_article(path: Path, rel: str, theme_ids: set[str], diagnostics: list[Diagnostic]) -> SourceArticle | None:
    data = read_file(path, rel, diagnostics)
    if data is None:
        return None
    if len(data) > MAX_ARTICLE_BYTES:
        diagnostics.append(Diagnostic("error", rel, f"the file is {len(data) / 1e6:.1f} MB; an article may have "
                                      f"at most {MAX_ARTICLE_BYTES / 1e6:.0f} MB",
                                      hint="check that this is an article and not a data dump; split a long text"))
        return None
    text = decode(data, rel, diagnostics)
    if text is None:
        return None
    front, body, body_line = split_front_matter(text, rel, diagnostics)
    if front is None:
        return None
    if not body.strip():
        diagnostics.append(Diagnostic("error", rel, "the article has no body text",
                                      hint="write the article text after the front matter, or delete the file"))
        return None
    meta = build_meta(front, body, rel, theme_ids, diagnostics)
    if not _has_words(body):
        diagnostics.append(Diagnostic("warning", rel, "the article text has no letters or digits",
                                      hint="write the article text after the front matter, or delete the file"))
    if not _has_words(meta.title):
        diagnostics.append(Diagnostic("warning", rel, f"the title {quoted(meta.title)} has no letters or digits",
                                      key="title", hint="write a headline in the front matter: `title: ...`"))
    slug = slug_from_filename(article_stem(path.name), meta.date)
    return SourceArticle(rel, slug, meta, body, body_line, _content_hash(data))


def read_editor_translation(data: bytes, rel: str, diagnostics: list[Diagnostic]) -> EditorTranslation | None:
    """The editors' translation in the bytes of the file `rel`: read once by the caller, which digests
    the same bytes (SourceArticle.content_hash)."""
    text = decode(data, rel, diagnostics)
    if text is None:
        return None
    front, body, _ = split_front_matter(text, rel, diagnostics)
    if front is None:
        return None
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        first = next((line for line in body.splitlines() if line.strip()), "")
        title = first.lstrip("# ").strip()
        diagnostics.append(Diagnostic("warning", rel, "no title in the front matter; using the first line",
                                      key="title", hint="add `title: ...` to the front matter"))
    if not body.strip():
        diagnostics.append(Diagnostic("error", rel, "the editor translation has no body text",
                                      hint="write the English text or delete the file to use machine translation"))
        return None
    return EditorTranslation(rel, clean_line(title), body)


def _has_words(text: str) -> bool:
    """Whether the text has a letter or digit: punctuation alone is no headline and no article."""
    return any(c.isalnum() for c in text)
