"""Drafts for `serve`: the pages of a saved article, shown within a second while the full build runs.

On a big site the full rebuild after a save takes seconds (10,000 articles: ~9 s): grouping runs
again over every article and every page its result may reach is keyed again. The editor who saved wants to see that article
first. A draft is made of the saved article's own pages only (article and bilingual, both languages),
through the same stages as the build (load, clean, translate, summarize, render), with the grouping
of the last build: the themes its front matter or keywords give (else the ones it had), the related
links and the story it had (none yet for a new article). The server answers with the drafts until
the full build has published, then with output/ again; a draft is never written anywhere.

When the grouping of the full build gives the article the same themes and links, its draft is the
page the build writes, byte for byte (tested).
"""

from __future__ import annotations

from collections import ChainMap
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from .clean import clean_article
from .config import SiteConfig
from .themes import OTHER, match_themes, theme_keywords
from .load import article_file, load_article
from .pages.article import article_page_kinds
from .render import SiteRenderer
from .structure import ArticleRecord, Entry, SiteModel, SourceArticle, SummarizedArticle
from .summarize import summarize
from .translate import EngineCache, translate_articles
from .urls import LANGUAGES

Drafts = dict[str, bytes]  # path inside output/ → the page's HTML


def draft_pages(changed: Iterable[str], model: SiteModel, config: SiteConfig, engines: EngineCache) -> Drafts:
    """The draft pages of the saved article files among `changed` (paths), on the model of the last build.

    Empty when anything else changed too (a template, site.yaml, a deleted article: only the full build
    can show that) or when an article does not build (the full build reports why).
    """
    files = set()
    for path in changed:
        file = article_file(Path(path), config)
        if file is None:
            return {}
        files.add(file)
    articles = [_loaded(config, file) for file in sorted(files)]
    if not articles or None in articles or _clashing(articles, model):
        return {}
    cleaned = [clean_article(article, config.cleaning) for article in articles]
    if not all(article.blocks for article in cleaned):
        return {}
    translated, stats = translate_articles(cleaned, config, engines)
    if any(d.level == "error" for d in stats.diagnostics):
        return {}
    keywords = theme_keywords(config.themes)
    drafted, whole = {}, {}
    for article in summarize(translated, config.summary_sentences):
        whole[article.slug] = article
        record = ArticleRecord.of(article)
        before = model.by_slug.get(article.slug)
        match = match_themes(article, keywords)
        themes = (tuple(t for t, _ in match.themes) or (before.themes if before else ())
                  or (match.nearest or OTHER.id,))
        drafted[article.slug] = (Entry(record, themes, before.related, before.story) if before
                                 else Entry(record, themes))
    renderer = SiteRenderer(_with_entries(model, drafted, whole, config), config)
    pages: Drafts = {}
    for slug, entry in drafted.items():
        for kind in article_page_kinds(entry):
            for lang in LANGUAGES:
                recipe = renderer.recipe(kind, lang, slug)
                pages[recipe.chrome.path.as_posix()] = renderer.html(recipe)
    return pages


def _loaded(config: SiteConfig, file: Path) -> SourceArticle | None:
    """The article as the build would read it, or None if reading it reports an error."""
    article, diagnostics = load_article(config, file)
    return None if any(d.level == "error" for d in diagnostics) else article


def _clashing(articles: list[SourceArticle], model: SiteModel) -> bool:
    """Whether two of the articles, or one of them and another file, would make the same pages (the
    build reports the clash)."""
    if len({article.slug for article in articles}) < len(articles):
        return True
    before = [model.by_slug.get(article.slug) for article in articles]
    return any(entry is not None and entry.article.path != article.path
               for entry, article in zip(before, articles))


def _with_entries(model: SiteModel, drafted: dict[str, Entry], whole: dict[str, SummarizedArticle],
                  config: SiteConfig) -> SiteModel:
    """The model with the drafted entries (and their `whole` articles) in place of (or beside) the
    ones it had, and any configured theme they name that no article had before."""
    entries = [drafted.get(entry.slug, entry) for entry in model.entries]
    entries += [entry for slug, entry in drafted.items() if slug not in model.by_slug]
    known = {theme.id for theme in model.themes}
    named = {t for entry in drafted.values() for t in entry.themes}
    themes = model.themes + tuple(t for t in (*config.themes, OTHER) if t.id in named and t.id not in known)
    return replace(model, entries=tuple(entries), themes=themes, articles=ChainMap(whole, model.articles))
