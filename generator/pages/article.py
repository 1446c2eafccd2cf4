"""An article's page: its text in the page's language, summary, themes, story and related articles."""

from __future__ import annotations

from pathlib import PurePosixPath

from markupsafe import Markup

from ..arabic import normalize
from ..structure import Entry, SearchRecord, SummarizedArticle
from ..urls import page_path, relative_url, search_path
from .inputs import Inputs
from .kind import PageKind
from .site import Site, page_url
from .text import group_blocks, other_language, script_json, translation_kind, translation_notice, web_url
from .views import ArticleView, Chrome, PageRecipe, Text

TEMPLATE = "article.html"


def article_view(site: Site, entry: Entry, article: SummarizedArticle, lang: str) -> ArticleView:
    """The page of `entry`, whose whole article (its text) is `article`."""
    translated = article.translated
    english = translated.english
    summary = article.summary
    meta = entry.meta
    if lang == "en" and english is not None:
        title, blocks, body_lang = Text(english.title, "en"), english.blocks, "en"
    else:
        title, blocks, body_lang = Text(meta.title, "ar"), translated.clean.blocks, "ar"
    if lang == "en" and summary.english:
        summary_lines, summary_lang = summary.english, "en"
    else:
        summary_lines, summary_lang = summary.arabic, "ar"
    return ArticleView(
        title=title,
        date_iso=meta.date.isoformat() if meta.date else "",
        date_text=site.date_text(meta.date, lang),
        source=meta.source, source_url=web_url(meta.url), author=meta.author,
        themes=tuple(site.theme_link(site.themes[t], lang) for t in entry.themes if t in site.themes),
        notice=translation_notice(english) if lang == "en" else Markup(""),
        notice_kind=translation_kind(english) if lang == "en" else "",
        summary=summary_lines, summary_lang=summary_lang,
        body=group_blocks(blocks), body_lang=body_lang,
        related=site.cards(entry.related, lang),
        story=site.story_card(entry.story, lang) if entry.story else None,
        story_articles=site.cards((s for s in site.model.story_by_id[entry.story].slugs if s != entry.slug), lang)
        if entry.story else (),
        bilingual=page_path("bilingual", lang, entry.slug) if english is not None else None,
    )


def recipe(site: Site, lang: str, slug: str) -> PageRecipe:
    entry = site.model.by_slug[slug]
    article = site.model.articles[slug]
    view = article_view(site, entry, article, lang)
    if view.summary_lang == lang and view.summary:
        description = " ".join(view.summary)
    else:
        description = None
    chrome = site.chrome(lang, page_path("article", lang, entry.slug), view.title,
                         counterpart=page_path("article", other_language(lang), entry.slug),
                         description=description, og_type="article", published=view.date_iso,
                         json_ld=script_json(structured_data(site, entry, lang, view)))
    return PageRecipe(TEMPLATE, chrome, view, search=search_record(chrome, view, entry, article))


def structured_data(site: Site, entry: Entry, lang: str, view: ArticleView) -> dict:
    """schema.org NewsArticle for search engines. inLanguage is the language of the text shown, so an
    English page still waiting for its translation is described as the Arabic text it carries."""
    base_url = site.config.base_url
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": view.title.value,
        "inLanguage": view.body_lang,
        "url": page_url(base_url, page_path("article", lang, entry.slug)),
    }
    if view.summary and view.summary_lang == view.body_lang:
        data["description"] = " ".join(view.summary)
    if view.date_iso:
        data["datePublished"] = view.date_iso
    if entry.meta.author:
        data["author"] = {"@type": "Person", "name": entry.meta.author}
    if entry.meta.source:
        data["sourceOrganization"] = {"@type": "Organization", "name": entry.meta.source}
    data["publisher"] = {"@type": "Organization", "name": site.site_title(lang).value,
                         "url": page_url(base_url, page_path("home", lang))}
    if view.body_lang != "ar":
        data["isBasedOn"] = {"@type": "NewsArticle", "headline": entry.meta.title, "inLanguage": "ar",
                             "url": page_url(base_url, page_path("article", "ar", entry.slug))}
    elif view.source_url:
        data["isBasedOn"] = view.source_url
    return data


def article_page_kinds(entry: Entry) -> tuple[str, ...]:
    """An article's pages in each language: its own, and the bilingual view once it has English."""
    return ("article", "bilingual") if entry.article.english_title is not None else ("article",)


def is_indexed(entry: Entry, lang: str) -> bool:
    """Whether the search index of `lang` holds the article: not while its English page shows the
    Arabic text, waiting for a translation."""
    return lang == "ar" or entry.article.english_title is not None


def search_record(chrome: Chrome, view: ArticleView, entry: Entry, article: SummarizedArticle
                  ) -> SearchRecord | None:
    """What the search index holds of an article page: its text, in the page's language."""
    if not is_indexed(entry, chrome.lang):
        return None
    blocks = article.translated.english.blocks if view.body_lang == "en" else article.translated.clean.blocks
    summary = view.summary if view.summary_lang == view.body_lang else ()
    text = " ".join([*summary, *(block.text for block in blocks)])
    return SearchRecord(href=relative_url(search_path(chrome.lang), chrome.path), language=chrome.lang,
                        content=normalize(text), title=view.title.value, date=view.date_text, datetime=view.date_iso,
                        summary=" ".join(summary))


def specs(site: Site, lang: str) -> list[tuple]:
    return [(entry.slug,) for entry in site.model.entries]


def sources(inputs: Inputs, lang: str, slug: str) -> tuple:
    """The article, its themes, its related articles and its story (`Inputs.article_sources`)."""
    return "article", lang, slug, inputs.article_sources(slug)


def addresses(site: Site, lang: str, slug: str) -> tuple[PurePosixPath, PurePosixPath]:
    return page_path("article", lang, slug), page_path("article", other_language(lang), slug)


KIND = PageKind("article", TEMPLATE, specs=specs, recipe=recipe, sources=sources, addresses=addresses,
                shows_text=True)
