"""Translate stage: English for every article, from the editors, the memory or the model.

Order of preference for each article: the editors' `<slug>.en.md`; else every sentence from the
translation memory; else the installed Argos model (all pending sentences of the build in one
batched run, each batch stored in the memory as soon as it is done). An article that cannot be
fully translated is left pending: it is never published half in Arabic under an English label.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..clean import parse_blocks
from ..config import SiteConfig
from ..runtime import fork_map
from ..sentences import split_sentences
from ..structure import Block, CleanArticle, Diagnostic, EnglishVersion, TranslatedArticle
from .engine import Engine, InstalledModel, find_model, model_identity
from .glossary import Glossary, join_pieces, load_glossary, needs_translation
from .memory import ModelIdentity, TranslationMemory, memory_generation

INSTALL_HINT = "python -m generator models install"
CHUNK_BATCHES = 4  # batches per memory write: a kill loses at most this much work
MEMORY_RECORD = "memory-seen.json"  # in the cache folder: the memory file each model's cache was made with


@dataclass
class TranslationStats:
    from_memory: int = 0
    translated: int = 0
    seconds: float = 0.0
    model_label: str | None = None
    device: str | None = None  # where the model ran ("cpu", "cuda"); None when it did not run
    model_installed: bool = False
    pending: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


class EngineCache:
    """Keeps a loaded model between builds of one process (the serve loop), keyed by its identity."""

    def __init__(self) -> None:
        self._key: str | None = None
        self._engine: Engine | None = None

    def get(self, model: InstalledModel, identity: ModelIdentity, config: SiteConfig) -> Engine:
        key = f"{identity.key}|{config.translation.device}|{config.translation.compute_type}"
        if self._engine is None or self._key != key:
            self._engine = Engine(model, config.translation)
            self._key = key
        return self._engine


def translation_identity(config: SiteConfig) -> str:
    """What machine translations depend on besides the text: the installed model, the glossary, and
    what the translation memory gives that model (memory.memory_generation)."""
    model = find_model(config.translation)
    identity = model_identity(model, config.translation, config.cache_dir) if model else None
    try:
        glossary = hashlib.sha256(config.glossary_path.read_bytes()).hexdigest()
    except OSError:
        glossary = None
    memory = memory_generation(config.memory_path, config.legacy_memory_path, config.cache_dir / MEMORY_RECORD,
                               identity and identity.key)
    return repr((identity, glossary, memory))


def translate_articles(articles: list[CleanArticle], config: SiteConfig, engines: EngineCache | None = None,
                       workers: int = 1) -> tuple[list[TranslatedArticle], TranslationStats]:
    """The articles with their English, in order. Parsing the editors' translations and finding the
    glossary's terms in the sentences is shared among up to `workers` forked processes (at 10,000
    articles they took 1.3 s of this process while the other core waited); memory lookups and the
    model run here."""
    stats = TranslationStats()
    glossary, problems = load_glossary(config.glossary_path, config.translation.glossary, config.root)
    stats.diagnostics.extend(problems)
    if not config.memory_path.resolve().is_relative_to(config.root.resolve()):
        stats.diagnostics.append(Diagnostic("error", config.translation.memory,
                                            "the translation memory is a link to a place outside the site",
                                            hint="replace the link with the file itself"))
        return [TranslatedArticle(a, None) for a in articles], stats
    machine = [a for a in articles if a.source.editor_translation is None]
    english: dict[str, str | None] = {}
    if machine:
        sentences = machine_sentences(machine)
        english, label = _translate_sentences(sentences, glossary, config, engines or EngineCache(), stats, workers)
        stats.model_label = label
    edited = iter(list(fork_map(editor_version, [a for a in articles if a.source.editor_translation is not None],
                                workers)))
    out = []
    for article in articles:
        if article.source.editor_translation is not None:
            out.append(TranslatedArticle(article, next(edited)))
            continue
        version = machine_version(article, english, stats.model_label)
        if version is None:
            stats.pending.append(article.source.path)
        out.append(TranslatedArticle(article, version))
    if stats.pending and not stats.model_installed:
        stats.diagnostics.append(Diagnostic(
            "warning", config.translation.memory,
            f"{len(stats.pending)} article(s) wait for translation: no {config.translation.source}→"
            f"{config.translation.target} model is installed",
            hint=f"run `{INSTALL_HINT}` (or `{INSTALL_HINT} --from-file PATH.argosmodel` offline), then rebuild"))
    return out, stats


def editor_version(article: CleanArticle) -> EnglishVersion:
    translation = article.source.editor_translation
    blocks = parse_blocks(translation.body)
    return EnglishVersion("editor", translation.title, tuple(blocks), "the editors")


def machine_version(article: CleanArticle, english: dict[str, str | None], label: str | None) -> EnglishVersion | None:
    title = [english.get(s) for s in split_sentences(article.source.meta.title)]
    blocks = []
    for block in article.blocks:
        sentences = [english.get(s) for s in block.sentences]
        if any(s is None for s in sentences):
            return None
        blocks.append(Block(block.kind, " ".join(sentences), tuple(sentences)))
    if any(t is None for t in title) or label is None:
        return None
    return EnglishVersion("machine", " ".join(title), tuple(blocks), label)


def machine_sentences(articles: list[CleanArticle]) -> list[str]:
    """Every sentence the model may have to translate for these articles (titles and bodies), once each."""
    return sorted({s for a in articles if a.source.editor_translation is None for s in _article_sentences(a)})


def _article_sentences(article: CleanArticle) -> list[str]:
    return split_sentences(article.source.meta.title) + [s for b in article.blocks for s in b.sentences]


def open_memory(config: SiteConfig, diagnostics: list[Diagnostic]) -> TranslationMemory:
    """The site's memory, with what loading it found (damaged lines, the single file moved in) told."""
    memory = TranslationMemory(config.memory_path, config.legacy_memory_path)
    if memory.skipped_lines:
        diagnostics.append(Diagnostic("warning", config.translation.memory,
                                      f"skipped {memory.skipped_lines} damaged line(s) (an interrupted build)",
                                      hint="nothing to do: those segments are translated again"))
    if memory.moved:
        folder = config.memory_path.name
        diagnostics.append(Diagnostic(
            "info", config.translation.memory,
            f"moved {memory.moved} translation(s) from {folder}.jsonl into {folder}/ (files by key, none past "
            f"45 MB, so git hosts take them at any size)",
            hint=f"commit {folder}/ and the removal of {folder}.jsonl"))
    return memory


def _translate_sentences(sentences: list[str], glossary: Glossary, config: SiteConfig, engines: EngineCache,
                         stats: TranslationStats, workers: int = 1) -> tuple[dict[str, str | None], str | None]:
    """English for each sentence (None where neither memory nor model has it) and the model's credit."""
    memory = open_memory(config, stats.diagnostics)
    model = find_model(config.translation)
    stats.model_installed = model is not None
    identity = model_identity(model, config.translation, config.cache_dir) if model else None

    def engine_chunks(missing: list[str]) -> Iterable[list[tuple[str, str]]]:
        engine = engines.get(model, identity, config)
        stats.device = engine.device
        return engine.translate_in_chunks(missing, config.translation.batch_size * CHUNK_BATCHES)

    resolver = Resolver(memory, identity, model and model.label, engine_chunks if model else None)
    english = english_for(sentences, glossary, resolver, workers)
    stats.from_memory += resolver.from_memory
    stats.translated += resolver.translated
    stats.seconds += resolver.seconds
    return english, resolver.label()


def english_for(sentences: list[str], glossary: Glossary, resolver: Resolver,
                workers: int = 1) -> dict[str, str | None]:
    """English for each sentence, None where neither memory nor model has it. Glossary terms come out
    as written: each sentence goes first with the renderings in place; where the model drops or
    alters one, the pieces around the terms are translated apart and joined with the renderings."""
    arabic = [s for s in sentences if needs_translation(s)]
    matches = dict(zip(arabic, fork_map(glossary.find, arabic, workers)))
    first_try = {s: glossary.with_renderings(s, m) if m else s for s, m in matches.items()}
    resolver.resolve(set(first_try.values()))

    fallback: dict[str, list[tuple[str, bool]]] = {}
    for sentence, attempt in first_try.items():
        output = resolver.done.get(attempt)
        if matches[sentence] and output is not None and not Glossary.kept(output, matches[sentence]):
            fallback[sentence] = Glossary.pieces(sentence, matches[sentence])
    resolver.resolve({text for pieces in fallback.values() for text, fixed in pieces
                      if not fixed and needs_translation(text)})

    english: dict[str, str | None] = {}
    for sentence in sentences:
        if sentence not in matches:
            english[sentence] = sentence  # numbers, punctuation, Latin text: nothing to translate
        elif sentence in fallback:
            parts = [text if fixed or not needs_translation(text) else resolver.done.get(text)
                     for text, fixed in fallback[sentence]]
            english[sentence] = None if any(p is None for p in parts) else join_pieces(parts)
        else:
            english[sentence] = resolver.done.get(first_try[sentence])
    return english


Chunks = Callable[[list[str]], Iterable[list[tuple[str, str]]]]  # segments -> (source, English) chunk by chunk


class Resolver:
    """Looks segments up in the memory and sends the rest to `translate` (None: no model), storing
    each chunk as it comes back, so an interrupted run keeps every finished chunk."""

    def __init__(self, memory: TranslationMemory, identity: ModelIdentity | None, model_label: str | None,
                 translate: Chunks | None):
        self.memory, self.identity, self.model_label, self.translate = memory, identity, model_label, translate
        self.done: dict[str, str] = {}
        self.labels: Counter[str] = Counter()
        self.from_memory = self.translated = 0
        self.seconds = 0.0

    def resolve(self, segments: set[str]) -> None:
        missing = []
        for segment in sorted(segments - self.done.keys()):
            stored = self.memory.lookup(segment, self.identity)
            if stored is None:
                missing.append(segment)
            else:
                self.done[segment] = stored.target
                self.labels[stored.label] += 1
                self.from_memory += 1
        if not missing or self.translate is None:
            return
        started = time.perf_counter()
        try:
            for pairs in self.translate(missing):
                self.memory.add(pairs, self.identity, self.model_label)
                self.done.update(pairs)
                self.labels[self.model_label] += len(pairs)
                self.translated += len(pairs)
        finally:
            self.seconds += time.perf_counter() - started

    def label(self) -> str | None:
        if self.model_label is not None:
            return self.model_label
        return self.labels.most_common(1)[0][0] if self.labels else None
