"""`generator translate`: every pending segment of the site's articles into the memory, ahead of a build.

It goes through the build's own steps (loading and cleaning, `machine_sentences`, the glossary's
two tries in `english_for`, the memory `Resolver`, the same model identity), so the build that
follows finds each segment it asks for. Each chunk is stored as it comes back: a kill -9 loses at
most the chunk in flight, and a second run looks everything finished up and goes on from there.
Where the model runs is a `Chunks` function: this process (`local_chunks`) or a Ray cluster
(cluster.py).
"""

from __future__ import annotations

import fnmatch
import functools
import time
from dataclasses import dataclass, replace
from typing import Callable, Iterator

from ..config import SiteConfig
from ..structure import BuildReport, Diagnostic
from . import CHUNK_BATCHES, Chunks, Resolver, english_for, machine_sentences, open_memory
from .engine import Engine, InstalledModel, find_model, model_identity
from .glossary import load_glossary


@dataclass(frozen=True)
class AheadRequest:
    """What the command line asks for."""

    articles: str | None = None  # a glob over article paths relative to the site, e.g. content/articles/2023-*
    limit: int | None = None  # at most this many articles (in file order)
    batch_size: int | None = None  # overrides translation.batch_size


@dataclass(frozen=True)
class AheadReport:
    translated: int
    from_memory: int
    failed: int  # their chunk raised an error; the next run tries them again
    seconds: float
    interrupted: bool
    diagnostics: tuple[Diagnostic, ...]

    @property
    def rate(self) -> float:
        return self.translated / self.seconds if self.seconds else 0.0


Progress = Callable[[int, int], None]  # (segments newly known to be pending, segments finished)
Backend = Callable[[InstalledModel, SiteConfig], Chunks]  # a model and settings -> where chunks are translated


def translate_ahead(config: SiteConfig, request: AheadRequest, backend: Backend, progress: Progress,
                    workers: int = 1) -> AheadReport:
    """Translate what the memory lacks for the chosen articles; Ctrl+C stops after the stored chunks."""
    from ..pipeline import read_content  # loading and cleaning, as the build does them

    if request.batch_size:
        config = replace(config, translation=replace(config.translation, batch_size=request.batch_size))
    model = find_model(config.translation)
    if model is None:
        raise LookupError(f"no {config.translation.source}→{config.translation.target} model is installed")
    loaded = BuildReport()
    articles, _ = read_content(config, loaded, None, workers)
    articles = [a for a in articles if request.articles is None or fnmatch.fnmatch(a.source.path, request.articles)]
    articles = articles[:request.limit] if request.limit else articles
    glossary, problems = load_glossary(config.glossary_path, config.translation.glossary, config.root)
    diagnostics = [d for d in loaded.diagnostics + problems if d.level == "error"]
    memory = open_memory(config, diagnostics)
    identity = model_identity(model, config.translation, config.cache_dir)
    failures: list[int] = []
    chunks = backend(model, config)

    def counted(missing: list[str]) -> Iterator[list[tuple[str, str]]]:
        progress(len(missing), 0)
        for pairs in chunks(missing):
            progress(0, len(pairs))
            yield pairs
        failures.append(len(missing) - sum(1 for s in missing if s in resolver.done))

    resolver = Resolver(memory, identity, model.label, counted)
    started, interrupted = time.perf_counter(), False
    try:
        english_for(machine_sentences(articles), glossary, resolver, workers)
    except KeyboardInterrupt:
        interrupted = True
    return AheadReport(resolver.translated, resolver.from_memory, sum(failures), time.perf_counter() - started,
                       interrupted, tuple(diagnostics))


def local_chunks(model: InstalledModel, config: SiteConfig) -> Chunks:
    """Chunks translated in this process, on its cores or its GPU, as the build does; a chunk the
    engine fails on (CTranslate2 raises RuntimeError, e.g. out of GPU memory) is left for next time.
    The model is loaded when a first segment is missing: a run that finds all in the memory is quick."""
    loaded = functools.cache(lambda: Engine(model, config.translation))
    size = config.translation.batch_size * CHUNK_BATCHES

    def chunks(missing: list[str]) -> Iterator[list[tuple[str, str]]]:
        engine = loaded()
        for start in range(0, len(missing), size):
            part = missing[start:start + size]
            try:
                yield list(zip(part, engine.translate(part)))
            except RuntimeError:
                continue

    return chunks
