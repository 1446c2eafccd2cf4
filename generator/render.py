"""render: SiteModel -> HTML pages in Arabic and English.

The page kinds (`generator/pages/`) say which pages there are, what each shows and what it is made
from; this module runs them. It keys every page, renders only those whose key output/ does not already
hold, and hands each page on to be written where it was made. Nothing here writes files.
"""

from __future__ import annotations

import hashlib
import traceback
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Callable, Iterable, Iterator, Mapping, TypeVar
from xml.sax.saxutils import escape as xml_escape

from jinja2 import (Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateNotFound, TemplateSyntaxError, meta, select_autoescape)

from .config import SiteConfig
from .digests import code_digest
from .load import display_path
from .page_index import KeptPage, PageIndex, updated_readers
from .pages import KINDS
from .pages.article import is_indexed
from .pages.inputs import GONE, Input, Inputs, fingerprint, read
from .pages.site import Site, page_url
from .pages.text import lang_attributes, other_language, phrase
from .pages.views import PageRecipe
from .runtime import fork_map
from .structure import BuildFailed, Diagnostic, RenderedPage, SearchEntry, SearchRecord, SiteModel
from .ui import UI
from .urls import LANGUAGES, href_path, page_path, relative_url, rooted_url

Result = TypeVar("Result")

PARTIALS = ("base.html", "partials/cards.html", "partials/briefing.html", "partials/blocks.html")
TEMPLATE_NAMES = PARTIALS + tuple(dict.fromkeys(kind.template for kind in KINDS.values()))
# The kinds keyed by what their pages are made from (99 % of a site's pages), and the template of each.
SOURCE_KEYED_PAGES = MappingProxyType({name: kind.template for name, kind in KINDS.items() if kind.sources})


def sitemap_entry(root: str, path: PurePosixPath, versions: Iterable[tuple[str, PurePosixPath]]) -> str:
    """A page's <url> element in sitemap.xml, with the hreflang alternates its <head> names. Made
    where the page is rendered (in the workers); addresses are percent-encoded (`href_path`), so only
    `root`, the site's escaped base URL, needs escaping."""
    links = "".join(f'\n    <xhtml:link rel="alternate" hreflang="{hreflang}" href="{root}{href_path(page)}"/>'
                    for hreflang, page in versions)
    return f"  <url>\n    <loc>{root}{href_path(path)}</loc>{links}\n  </url>"


def _bytecode_cache(config: SiteConfig) -> FileSystemBytecodeCache:
    """Compiled templates kept in the site's cache: compiling them is most of a small site's build."""
    folder = config.cache_dir / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


def render_salt(config: SiteConfig) -> str:
    """What every page depends on besides its own values and template: the code and the configuration."""
    return hashlib.sha256(f"{config!r}\n{code_digest()}".encode()).hexdigest()


def template_digests(env: Environment) -> dict[str, str]:
    """For each template, a digest of its source and of every template it extends, includes or imports,
    so a changed template re-renders only the pages built from it."""
    own: dict[str, tuple[str, set[str]]] = {}
    names = env.list_templates(filter_func=lambda n: n.endswith(".html"))
    for name in names:
        source = env.loader.get_source(env, name)[0]
        referenced = set(meta.find_referenced_templates(env.parse(source)))
        if None in referenced:  # a name computed at render time: it may be any of them
            referenced = set(names) - {name}
        own[name] = (source, referenced)

    def closure(name: str, seen: frozenset[str] = frozenset()) -> str:
        source, referenced = own.get(name, ("", set()))
        parts = [source] + [closure(r, seen | {name}) for r in sorted(referenced) if r not in seen]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    return {name: closure(name) for name in own}


def template_problem(error: TemplateError, config: SiteConfig, page: PurePosixPath | None = None) -> Diagnostic:
    """A template error as the editor must see it: the template file and line, and what went wrong."""
    folder = config.templates_dir
    if isinstance(error, TemplateNotFound):
        return Diagnostic("error", display_path(folder / error.name, config.root), f"template {error.name} is missing",
                          hint="copy it back from the generator's templates/ folder")
    if isinstance(error, TemplateSyntaxError) and error.filename:
        where, line = error.filename, error.lineno
    else:  # raised while rendering: Jinja puts the template's file and line in the traceback
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(str(folder))]
        where, line = (frames[-1].filename, frames[-1].lineno) if frames else (str(folder), None)
    during = f" while rendering {page}" if page else ""
    return Diagnostic("error", display_path(Path(where), config.root), f"template error{during}: {error.message}",
                      line=line, hint="fix the template; the names each page receives are listed in "
                                      "generator/pages/views.py (the *View classes)")


def _article_pages_together(item: tuple[tuple, str | None]) -> tuple:
    """Render order: an article's pages (its own and the bilingual view, in each language) one after
    the other, so the worker that renders them reads the article from the cache once (a full build
    read 40,000 pickles instead of 10,000: +6 s); the other pages after them, in their order."""
    kind, *arguments = item[0]
    return (0, arguments[-1]) if KINDS[kind].shows_text else (1,)


class SiteRenderer:
    """One build's Jinja environment over the page kinds: `pages()` renders the site, `search_record()`
    gives the search index what one article page shows."""

    def __init__(self, model: SiteModel, config: SiteConfig):
        self.config = config
        self.site = Site(model, config)
        self.env = Environment(
            loader=FileSystemLoader(str(config.templates_dir)),
            autoescape=select_autoescape(("html",), default_for_string=True, default=True),
            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            bytecode_cache=_bytecode_cache(config),
            auto_reload=False,  # one build, one set of templates: no stat of each template for every page
        )
        for name in TEMPLATE_NAMES:  # compiled once here, so forked workers inherit them
            try:
                self.env.get_template(name)
            except TemplateError as error:
                raise BuildFailed([template_problem(error, config)]) from None
        self.salt = render_salt(config)
        self.sitemap_root = xml_escape(page_url(config.base_url, PurePosixPath()), {'"': "&quot;"})
        self.template_digests = template_digests(self.env)
        self.kind_templates = {kind: self.template_digests[template] for kind, template in SOURCE_KEYED_PAGES.items()}
        self.values: dict[Input, object] = {}  # what each input read in this build, shared by all pages
        self._fingerprints: dict[Input, str] = {}  # of the last build's inputs, as they read now
        self._indexed: dict[tuple, KeptPage] = {}  # spec → the page as the next page index keeps it
        self._keyed: dict[str, tuple[tuple, tuple]] = {}  # path → (spec, inputs) of a page keyed here
        self._rekeyed: dict[tuple, tuple] = {}  # spec → inputs of every page indexed anew (not left unvisited)
        # One object per input and per list of inputs (an article's four pages read the same), which
        # marshal then writes once: at 10,000 articles 1.3 MB of the page index instead of 5.7 MB.
        self._shared: dict[tuple, tuple] = {}
        self.unchanged: list[KeptPage] = []  # the pages `pages()` left unvisited, as the page index keeps them
        self._previous = PageIndex()  # the index `pages()` started from, when it could (same salt, output/ known)
        self._readers: Mapping[tuple, frozenset] | None = None  # its readers, if it has them

    def pages(self, reusable: Mapping[str, str] = MappingProxyType({}), workers: int = 1,
              then: Callable[[RenderedPage], Result] = lambda page: page,
              previous: PageIndex = PageIndex()) -> Iterator[Result]:
        """Every HTML page of the site in both languages, each passed through `then` where it was made.

        A page whose inputs have the key `reusable` maps its path to (output/ holds it as rendered from
        exactly those inputs) comes back without bytes instead of being rendered again. A page the
        `previous` page index holds, none of whose inputs changed, is not visited at all: it does
        not come back but goes to `self.unchanged`, as the index kept it. The keys of the other
        pages keyed by their sources (all but a few) are worked out here, in this process: sending
        their results back from workers would cost more than the digests. Only the pages to render, and the few keyed by their recipe, are shared
        among up to `workers` forked processes; the result does not depend on how. `then` runs in
        the worker that rendered the page: the build writes the bytes there, so only a small record
        of each page travels back. `page_index()` then gives the index of this build.
        """
        unchanged = self._unchanged_pages(previous, reusable)
        self._shared.update((name, name) for name in previous.fingerprints)
        pending = []
        for spec in self.page_specs():
            if spec[0] not in SOURCE_KEYED_PAGES:
                pending.append((spec, None))
            elif (kept := unchanged.get(spec)) is not None:
                self._indexed[spec] = kept
                self.unchanged.append(kept)
            else:
                key, inputs = self.source_key(spec)
                path, counterpart = KINDS[spec[0]].addresses(self.site, *spec[1:])
                if reusable.get(path.as_posix()) == key:
                    page = self.kept_page(spec, key, path, counterpart)
                    self._index(spec, inputs, page)
                    yield then(page)
                else:
                    self._keyed[path.as_posix()] = (spec, inputs)
                    pending.append((spec, key))
        pending.sort(key=_article_pages_together)
        yield from fork_map(lambda item: then(self.finished(item[0], reusable, item[1])), pending, workers)

    def _unchanged_pages(self, previous: PageIndex, reusable: Mapping[str, str]) -> dict[tuple, KeptPage]:
        """The pages of the previous index that output/ holds as kept and whose inputs all read as
        they did; each input is read once, for all the pages that read it. The pages an input that
        changed is read by are looked up when the index has its readers (held by serve), else
        searched for."""
        if previous.salt != self.salt or not reusable:
            return {}
        self._previous, self._readers = previous, previous.readers
        changed = set()
        for name, was in previous.fingerprints.items():
            try:
                value = self.values[name] = read(self.site, name)
            except (KeyError, IndexError):  # what it names is gone
                now = GONE
            else:
                now = fingerprint(value)
            self._fingerprints[name] = now
            if now != was:
                changed.add(name)
        if self._readers is not None:
            touched = set().union(*(self._readers.get(name, ()) for name in changed))
        else:
            touched = {spec for spec, page in previous.pages.items() if not changed.isdisjoint(page.inputs)}
        fresh = {kind for kind, digest in self.kind_templates.items() if previous.templates.get(kind) == digest}
        every_kind = len(fresh) == len(self.kind_templates)
        return {spec: page for spec, page in previous.pages.items()
                if spec not in touched and (every_kind or spec[0] in fresh) and reusable.get(page.path) == page.key}

    def _index(self, spec: tuple, inputs: tuple, page: RenderedPage) -> None:
        search = page.search
        self._rekeyed[spec] = inputs
        self._indexed[spec] = KeptPage(page.path.as_posix(), page.key, inputs, page.sitemap,
                                       (search.url, search.language, search.slug, search.datetime, search.key)
                                       if search else None)

    def page_index(self, pages: Iterable[RenderedPage]) -> PageIndex:
        """The page index of this build, from the pages `pages()` gave (the rendered ones came back
        from where they were rendered, with their sitemap and search entries)."""
        for page in pages:
            keyed = self._keyed.get(page.path.as_posix())
            if keyed is not None:
                self._index(keyed[0], keyed[1], page)
        previous, readers = self._previous, None
        if self._readers is not None:
            readers = updated_readers(self._readers, previous.pages.keys() - self._indexed.keys(), self._rekeyed,
                                      previous.pages)
        names = readers if readers is not None else {name for page in self._indexed.values() for name in page.inputs}
        fingerprints = {name: self._fingerprints.get(name) or fingerprint(self.values[name]) for name in names}
        return PageIndex(self.salt, dict(self.kind_templates), fingerprints, dict(self._indexed), readers=readers)

    def search_record(self, lang: str, slug: str) -> SearchRecord:
        """The search record of an article page that was not rendered again."""
        return self.recipe("article", lang, slug).search

    def page_specs(self) -> list[tuple]:
        """Every page as (kind, language, arguments…), or (kind,) outside the languages: cheap to list
        and to send to a worker process. The kinds of `generator.pages.KINDS`, in each language."""
        specs: list[tuple] = [(name, *arguments) for name, kind in KINDS.items() if not kind.in_languages
                              for arguments in kind.specs(self.site, None)]
        for lang in LANGUAGES:
            specs += [(name, lang, *arguments) for name, kind in KINDS.items() if kind.in_languages
                      for arguments in kind.specs(self.site, lang)]
        return specs

    def recipe(self, kind: str, *arguments) -> PageRecipe:
        """The frame and view of one page: `recipe(*spec)`."""
        return KINDS[kind].recipe(self.site, *arguments)

    def kept_page(self, spec: tuple, key: str, path: PurePosixPath, counterpart: PurePosixPath) -> RenderedPage:
        """The page `spec` names (of a kind keyed by its sources, `key`, at `path`), without bytes:
        output/ holds it made from the same sources. An unchanged page costs a digest, not a view."""
        kind, lang, which = spec[:3]
        versions = self.site.language_versions({lang: path, other_language(lang): counterpart})
        return RenderedPage(path, key, None, sitemap_entry(self.sitemap_root, path, versions),
                            search=self.search_entry(lang, which, None) if kind == "article" else None)

    def finished(self, spec: tuple, reusable: Mapping[str, str], key: str | None = None) -> RenderedPage:
        """The page `spec` names, rendered unless output/ already holds it made from the same inputs:
        most pages are keyed by their sources (`key`, if worked out already), the few others by
        their recipe."""
        kind = spec[0]
        recipe = self.recipe(*spec)
        if kind in SOURCE_KEYED_PAGES:
            key = key or self.source_key(spec)[0]
        else:
            key = self.key(recipe.template, (recipe.template, recipe.rooted, recipe.chrome, recipe.view))
        chrome = recipe.chrome
        data = None if reusable.get(chrome.path.as_posix()) == key else self.html(recipe)
        in_sitemap = not recipe.rooted and "noindex" not in chrome.robots
        return RenderedPage(chrome.path, key, data,
                            sitemap_entry(self.sitemap_root, chrome.path, chrome.versions) if in_sitemap else "",
                            search=self.search_entry(*spec[1:], recipe.search) if kind == "article" else None)

    def key(self, template: str, inputs: tuple) -> str:
        """The key of a page: the code and config, its template (with what that uses) and its inputs."""
        payload = f"{self.salt}\n{self.template_digests[template]}\n{inputs!r}"
        return hashlib.sha256(payload.encode()).hexdigest()[:32]

    def source_key(self, spec: tuple) -> tuple[str, tuple[Input, ...]]:
        """The key of a page of a source-keyed kind (its template and its kind's `sources`), and the
        inputs its sources read."""
        inputs = Inputs(self.site, self.values)
        key = self.key(SOURCE_KEYED_PAGES[spec[0]], KINDS[spec[0]].sources(inputs, *spec[1:]))
        names = tuple(self._shared.setdefault(name, name) for name in inputs.names)
        return key, self._shared.setdefault(names, names)

    def search_entry(self, lang: str, slug: str, record: SearchRecord | None) -> SearchEntry | None:
        """What the search index needs of an article page: None for an English page still waiting for
        its translation (it shows Arabic). The record shows only the article itself, so its key
        leaves out what else the page links to."""
        entry = self.site.model.by_slug[slug]
        if not is_indexed(entry, lang):
            return None
        date = entry.meta.date
        record_key = hashlib.sha256(f"{self.salt}\n{lang}\n{slug}\n{entry.article.digest}".encode()).hexdigest()[:32]
        return SearchEntry(href_path(page_path("article", lang, slug)), lang, slug, date.isoformat() if date else "",
                           record_key, record)

    def html(self, recipe: PageRecipe) -> bytes:
        chrome = recipe.chrome
        lang, here = chrome.lang, chrome.path
        if recipe.rooted:
            def url(target: PurePosixPath) -> str:
                return rooted_url(self.config.base_url, target)
        else:
            def url(target: PurePosixPath) -> str:
                return relative_url(here, target)
        try:
            html = self.env.get_template(recipe.template).render(
                chrome=chrome, view=recipe.view, ui=UI[lang], site_title=self.site.site_title(lang), url=url,
                page_kind=recipe.template.removesuffix(".html"),
                phrase=lambda value: phrase(lang, value),
                lang_attrs=lambda other: lang_attributes(lang, other),
            )
        except TemplateError as error:
            raise BuildFailed([template_problem(error, self.config, page=here)]) from None
        return html.encode("utf-8")
