"""Load stage: read article files, decode them (`decoding.py`), parse front matter, infer what is
missing (`inference.py`).

Everything that can go wrong with one file becomes a Diagnostic naming that file (and line),
so one run reports every problem at once instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from .arabic import normalize
from .article_cache import ArticleCache, CachedArticle, file_stamp
from .clean import clean_article, parse_blocks
from .config import CleaningRule, SiteConfig
from .content_files import (TRANSLATION_SUFFIX, article_files, article_stem, display_path, inside, read_file,
                            translated_article, translation_file, translation_path)
from .decoding import clean_line, decode
from .files import read_regular
from .inference import EARLIEST_DATE, LATEST_DATE, infer_date, infer_source, infer_title, parse_date_value
from .runtime import fork_map
from .slugs import slug_from_filename
from .structure import ArticleMeta, ArticleRecord, Diagnostic, EditorTranslation, SourceArticle
from .yamlsafe import parse, quoted

KNOWN_KEYS = ("title", "date", "source", "url", "author", "themes", "lang")
MAX_ARTICLE_BYTES = 1_000_000  # ten times the longest news article; more is a data dump, and slow to process
MAX_FRONT_MATTER_DEPTH = 32  # nested [ and { in front matter: deeper is never metadata, and parses slowly


@dataclass(frozen=True)
class LoadResult:
    articles: list[SourceArticle]  # the files read anew, in file order
    diagnostics: list[Diagnostic]
    reused: dict[str, ArticleRecord] = field(default_factory=dict)  # path → records kept from earlier builds
    order: list[str] = field(default_factory=list)  # the path of every article, read or reused, in file order
    stamps: dict[str, tuple] = field(default_factory=dict)  # path → file stamp, for articles read anew
    file_diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)  # likewise: what reading said


def load_articles(config: SiteConfig, cache: ArticleCache | None = None, workers: int = 1) -> LoadResult:
    """Read every article under content/articles/ (sorted, so builds are deterministic).

    With a cache, a file unchanged since an earlier build is not read: its kept record comes back in
    `reused` (and its diagnostics are reported again). The files to read are decoded and parsed on
    up to `workers` processes (10,000 of them took 2.7 s in this process alone); the checks across
    articles (slugs, titles) follow in file order, so the result does not depend on how.
    """
    result = LoadResult([], [])
    diagnostics = result.diagnostics
    folder = config.articles_dir
    if not folder.is_dir():
        diagnostics.append(Diagnostic("error", display_path(folder, config.root), "the articles folder is missing",
                                      hint="create content/articles/ and put .md or .txt articles in it"))
        return result
    steps = _load_steps(folder, config.root, cache)
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


def _load_steps(folder: Path, root: Path, cache: ArticleCache | None) -> list[Diagnostic | _Kept | _Unread]:
    """What each file under `folder` comes to, in file order: a problem to report, or an article
    the cache holds, or one to read."""
    steps: list[Diagnostic | _Kept | _Unread] = []
    for found in article_files(folder, root):
        if isinstance(found, Diagnostic):
            steps.append(found)
            continue
        path, rel = found
        stamp = file_stamp(path, translation_path(path))
        cached = cache.lookup(rel) if cache is not None else None
        if cached is not None and (cached.stamp == stamp or _same_bytes(path, root, cached.record.content_hash)):
            steps.append(_Kept(rel, stamp, cached))
        else:
            steps.append(_Unread(path, rel, stamp))
    return steps


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


# --- front matter ---------------------------------------------------------


def split_front_matter(text: str, rel: str, diagnostics: list[Diagnostic]) -> tuple[dict | None, str, int]:
    """Return (front matter, body, first body line); front matter is {} when the file has none."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 1
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() in ("---", "...")), None)
    if closing is None:
        diagnostics.append(Diagnostic("error", rel, "the front matter starting on line 1 is never closed", line=1,
                                      hint="add a line with just --- after the front matter"))
        return None, "", 1
    raw = "\n".join(lines[1:closing])
    if _flow_depth(raw) > MAX_FRONT_MATTER_DEPTH:
        diagnostics.append(Diagnostic("error", rel, "the front matter is nested too deeply to read", line=2,
                                      hint="front matter is YAML: `key: value`, one per line"))
        return None, "", 1
    parsed = parse(raw, first_line=2)
    if parsed.problem:
        diagnostics.append(Diagnostic("error", rel, f"invalid front matter: {parsed.problem}", line=parsed.line,
                                      hint="front matter is YAML: `key: value`, one per line; quote values with "
                                           "colons; no `!!` type tags"))
        return None, "", 1
    front = parsed.value
    if front is None:
        front = {}
    if not isinstance(front, dict):
        diagnostics.append(Diagnostic("error", rel, "the front matter must be `key: value` lines", line=2,
                                      hint="write one `key: value` per line between the two --- lines"))
        return None, "", 1
    return front, "\n".join(lines[closing + 1:]), closing + 2


def _flow_depth(text: str) -> int:
    """How deeply [ and { nest in the text (brackets inside quotes count too: an over-estimate is fine)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


_BRACKETS = re.compile(r"[\[\]{}]")


def build_meta(front: dict, body: str, rel: str, theme_ids: set[str], diagnostics: list[Diagnostic]) -> ArticleMeta:
    def problem(key: str, message: str, hint: str, level: str = "error") -> None:
        diagnostics.append(Diagnostic(level, rel, message, key=key, hint=hint))

    for key in front:
        if key not in KNOWN_KEYS:
            problem(str(key)[:60], f"unknown front matter key {quoted(key)} (ignored)",
                    "known keys: " + ", ".join(KNOWN_KEYS), level="warning")
    inferred: set[str] = set()

    title = front.get("title")
    if title is not None and not isinstance(title, (str, int, float)):
        problem("title", f"title must be text, not {type(title).__name__}", "write `title: Your headline`")
        title = None
    title = clean_line(str(title)) if title is not None else ""
    if not title:
        title = infer_title(body)
        inferred.add("title")

    date = article_date(front.get("date"), body, problem)
    if date is not None and front.get("date") is None:
        inferred.add("date")

    source = _optional_text(front, "source", problem)
    if source is None:
        source = infer_source(body, title)
        if source:
            inferred.add("source")
    url = _optional_text(front, "url", problem)
    if url is not None and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
        problem("url", f"url {quoted(url)} is not an http(s) address (ignored)", "write the full https://... address",
                level="warning")
        url = None
    author = _optional_text(front, "author", problem)

    themes = front.get("themes", [])
    if isinstance(themes, str):
        themes = [themes]
    if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
        problem("themes", "themes must be a list of theme ids", "write `themes: [ukraine-war, sanctions]`")
        themes = []
    for theme in themes:
        if theme not in theme_ids:
            problem("themes", f"unknown theme id {quoted(theme)}",
                    "use one of the ids under `themes:` in site.yaml: " + ", ".join(sorted(theme_ids)))
    lang = front.get("lang", "ar")
    if lang != "ar":
        problem("lang", f"lang {quoted(lang)} is not supported for articles", "articles are Arabic: use `lang: ar`")
        lang = "ar"
    return ArticleMeta(title=title, date=date, source=source, url=url, author=author,
                       themes=tuple(t for t in themes if t in theme_ids), lang=lang, inferred=frozenset(inferred))


_DAY_FIRST = re.compile(r"^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\s*$")


def article_date(value, body: str, problem) -> dt.date | None:
    """The front matter date, checked; when it is missing or empty, a date found in the text."""
    if value is None:
        date = infer_date(body)
        if date is None:
            problem("date", "no date in the front matter and none found in the text",
                    "add `date: YYYY-MM-DD`; the article is listed as undated until then", level="warning")
        return date
    date = parse_date_value(value)
    if date is None:
        kind = "ambiguous" if isinstance(value, str) and _DAY_FIRST.match(normalize(value)) else "not a valid date"
        problem("date", f"date {quoted(value)} is {kind}", "write it as YYYY-MM-DD, e.g. 2023-03-17")
        return None
    if not EARLIEST_DATE <= date <= LATEST_DATE:
        problem("date", f"date {date.isoformat()} is implausible",
                f"check the year: dates from {EARLIEST_DATE.year} to {LATEST_DATE.year} are accepted")
        return None
    if date > dt.date.today() + dt.timedelta(days=1):
        problem("date", f"date {date.isoformat()} is in the future", "check the year and month", level="warning")
    return date


def _optional_text(front: dict, key: str, problem) -> str | None:
    value = front.get(key)
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        problem(key, f"{key} must be text, not {type(value).__name__}", f"write `{key}: ...` as one line of text")
        return None
    return clean_line(str(value)) or None
