"""Translation throughput: Argos's one-call-per-sentence loop against our batched Engine.

The real ar->en Argos model cannot be downloaded here, so this builds one of the same size
(transformer-base, 6+6 layers, d_model 512, int8) with random weights via tests/argos_model.py.
Its every hypothesis is exactly --output-tokens pieces long, so all paths do the same decoding
work and tokens/s compare directly. Paths, all on one ctranslate2.Translator (the Engine's),
at the same beam size and decoding options:

  (a) naive loop: one translate_batch call per sentence, the way argostranslate.translate
      ends up calling the model (it sends a paragraph per call, but with batch_type="tokens"
      and max_batch_size=32 tokens, so a sentence of news length is decoded alone);
  (b) Engine.translate over all sentences (what the translate stage does);
  (c) one bare translate_batch over all tokenised sentences, batch_type="examples",
      max_batch_size=batch_size: the limit (b) can reach, without tokenising or decoding text.

Run: .venv/bin/python bench/translate.py [--sentences N] [--beams 4,1] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from argos_model import build_argos_model  # noqa: E402  (tests/ holds the model builder)

from generator.config import TranslationSettings  # noqa: E402
from generator.load import split_front_matter  # noqa: E402
from generator.sentences import split_sentences  # noqa: E402
from generator.translate import CHUNK_BATCHES  # noqa: E402
from generator.translate.engine import LENGTH_PENALTY, Engine, InstalledModel  # noqa: E402

ARTICLES = REPO / "content" / "articles"
CORPUS = REPO.parent / "shared" / "corpus" / "articles.jsonl"
TARGET_VOCABULARY = 32_000  # the order of a real Argos model's shared SentencePiece vocabulary
WARM_UP_SENTENCES = 4
QUICK_SENTENCES = 16


@dataclass(frozen=True)
class Timing:
    label: str
    sentences: int
    seconds: float
    cpu_seconds: float
    generated_tokens: int

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.seconds

    @property
    def tokens_per_second(self) -> float:
        return self.generated_tokens / self.seconds


def article_paragraphs() -> list[str]:
    """The Arabic paragraphs of the sample articles: body blocks without front matter or heading marks."""
    paragraphs = []
    for path in sorted(ARTICLES.glob("*.md")):
        if path.name.endswith(".en.md"):
            continue
        _, body, _ = split_front_matter(path.read_text(encoding="utf-8"), path.name, [])
        for block in body.split("\n\n"):
            text = block.strip().lstrip("#").strip()
            if text:
                paragraphs.append(text)
    return paragraphs


def corpus_paragraphs() -> list[str]:
    """Paragraphs of the shared corpus, to grow the vocabulary towards Argos size; empty without it."""
    if not CORPUS.is_file():
        return []
    paragraphs = []
    with CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            paragraphs.extend(p.strip() for p in json.loads(line)["body"].split("\n") if p.strip())
    return paragraphs


def benchmark_sentences(paragraphs: list[str], count: int | None) -> list[str]:
    """All sentences of the paragraphs, cut or cycled to `count` when given."""
    sentences = [s for paragraph in paragraphs for s in split_sentences(paragraph)]
    if count is None:
        return sentences
    return [sentences[i % len(sentences)] for i in range(count)]


def build_model(workdir: Path, texts: list[str], output_tokens: int) -> InstalledModel:
    """Build the Argos-sized package and unzip it; the folder is what argostranslate would install."""
    archive = build_argos_model(workdir / "bench.argosmodel", texts, layers=(6, 6), d_model=512, heads=8,
                                ffn=2048, vocab_size=TARGET_VOCABULARY, max_output_tokens=output_tokens,
                                quantization="int8")
    packages = workdir / "packages"
    with zipfile.ZipFile(archive) as package_zip:
        package_zip.extractall(packages)
    (folder,) = packages.iterdir()
    metadata = json.loads((folder / "metadata.json").read_text())
    return InstalledModel(folder, folder.name, metadata["package_version"], metadata["from_code"],
                          metadata["to_code"])


def vocabulary_size(model: InstalledModel) -> int:
    return len(json.loads((model.path / "model" / "shared_vocabulary.json").read_text()))


def measure(run: Callable[[], list]) -> tuple[float, float, list]:
    """Wall and CPU seconds (all threads) of `run`, and what it returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def compare_paths(engine: Engine, sentences: list[str], batch_sizes: list[int], model: InstalledModel,
                  threads: int) -> tuple[list[Timing], int]:
    """Time (a), (b), (c) and the Engine at other batch sizes; return the timings and differing outputs."""
    settings = engine.settings
    translator, tokenizer = engine.translator, engine.tokenizer
    options = dict(beam_size=settings.beam_size, max_decoding_length=settings.max_decoding_length,
                   length_penalty=LENGTH_PENALTY, replace_unknowns=True)
    tokens = [tokenizer.encode(s) for s in sentences]

    def naive_loop(batch: list[list[str]]) -> list[list[str]]:
        return [translator.translate_batch([t], **options)[0].hypotheses[0] for t in batch]

    def bare_call(batch: list[list[str]]) -> list[list[str]]:
        results = translator.translate_batch(batch, max_batch_size=settings.batch_size, batch_type="examples",
                                             **options)
        return [r.hypotheses[0] for r in results]

    warm = sentences[:WARM_UP_SENTENCES]
    naive_loop(tokens[:WARM_UP_SENTENCES])
    engine.translate(warm)
    bare_call(tokens[:WARM_UP_SENTENCES])

    count = len(sentences)

    def timed(label: str, run: Callable[[], list], generated_tokens: int | None = None) -> tuple[Timing, list]:
        seconds, cpu_seconds, result = measure(run)
        if generated_tokens is None:
            generated_tokens = sum(len(hypothesis) for hypothesis in result)
        return Timing(label, count, seconds, cpu_seconds, generated_tokens), result

    naive, _ = timed("(a) naive loop, 1 call per sentence", lambda: naive_loop(tokens))
    bare, bare_hypotheses = timed(f"(c) bare translate_batch, max_batch_size={settings.batch_size}",
                                  lambda: bare_call(tokens))
    # The Engine returns text, so its token count is (c)'s, valid when its text equals (c)'s decoded.
    ours, translations = timed(f"(b) Engine.translate, batch_size={settings.batch_size}",
                               lambda: engine.translate(sentences), bare.generated_tokens)
    reference_text = [" ".join(tokenizer.decode(h).split()) for h in bare_hypotheses]
    differing = sum(mine != reference for mine, reference in zip(translations, reference_text))
    timings = [naive, ours, bare]

    chunk = settings.batch_size * CHUNK_BATCHES
    if count > chunk:
        timings.append(timed(f"(b) Engine.translate_in_chunks({chunk}), as the stage calls it",
                             lambda: list(engine.translate_in_chunks(sentences, chunk)), bare.generated_tokens)[0])
    for batch_size in batch_sizes:
        variant = Engine(model, replace(settings, batch_size=batch_size), threads=threads)
        variant.translate(warm)
        timings.append(timed(f"(b) Engine.translate, batch_size={batch_size}",
                             lambda: variant.translate(sentences), bare.generated_tokens)[0])
    return timings, differing


def print_table(beam: int, timings: list[Timing], differing: int) -> None:
    naive, bare = timings[0], timings[2]
    print(f"\nbeam {beam}: {naive.sentences} sentences, {bare.generated_tokens} target tokens generated per path")
    header = f"{'path':<62} {'wall s':>8} {'CPU/wall':>8} {'sent/s':>8} {'tok/s':>8} {'vs (a)':>7} {'vs (c)':>7}"
    print(header)
    print("-" * len(header))
    for t in timings:
        print(f"{t.label:<62} {t.seconds:>8.2f} {t.cpu_seconds / t.seconds:>8.2f} {t.sentences_per_second:>8.2f} "
              f"{t.tokens_per_second:>8.0f} {naive.seconds / t.seconds:>6.2f}x {bare.seconds / t.seconds:>6.2f}x")
    print("vs (a) = speed-up over the naive loop; vs (c) = share of the bare-call limit (1.00x = at the limit).")
    if differing:
        print(f"note: {differing} of {naive.sentences} Engine translations differ from (c)'s decoded output, "
              "so the Engine's tok/s above is approximate")
    else:
        print("Engine output is identical to (c)'s decoded output for every sentence.")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, help="repeat or cut the article sentences to N (default: all)")
    parser.add_argument("--beams", default="4,1", help="comma-separated beam sizes (default: 4,1)")
    parser.add_argument("--batch-sizes", default="16,64",
                        help="other Engine batch sizes to time at the first beam (default: 16,64; '' for none)")
    parser.add_argument("--output-tokens", type=int, default=48, help="length of every hypothesis (default: 48)")
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_SENTENCES} sentences, no other batch sizes: under a minute on 2 cores")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.sentences = arguments.sentences or QUICK_SENTENCES
        arguments.batch_sizes = ""
    return arguments


def main() -> None:
    import ctranslate2

    arguments = parse_arguments()
    beams = [int(b) for b in arguments.beams.split(",") if b.strip()]
    batch_sizes = [int(b) for b in arguments.batch_sizes.split(",") if b.strip()]
    threads = os.cpu_count() or 1
    started = time.perf_counter()

    paragraphs = article_paragraphs()
    sentences = benchmark_sentences(paragraphs, arguments.sentences)
    extra_text = corpus_paragraphs()
    print("command:  " + shlex.join([Path(sys.executable).name, *sys.argv]))
    print(f"machine:  {threads} CPUs (os.cpu_count), {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, ctranslate2 {ctranslate2.__version__}, "
          f"load average {os.getloadavg()[0]:.2f} at start")

    with tempfile.TemporaryDirectory(prefix="bench-translate-") as workdir:
        build_started = time.perf_counter()
        model = build_model(Path(workdir), paragraphs + extra_text, arguments.output_tokens)
        print(f"model:    transformer-base 6+6 layers, d_model 512, 8 heads, ffn 2048, int8, random weights; "
              f"shared vocabulary {vocabulary_size(model)} pieces (asked {TARGET_VOCABULARY}; trained on "
              f"{len(paragraphs)} article paragraphs{' + the shared corpus' if extra_text else ''}); "
              f"built in {time.perf_counter() - build_started:.1f} s")
        print(f"input:    {len(sentences)} sentences from {len(paragraphs)} paragraphs of content/articles/*.md, "
              f"mean {sum(map(len, sentences)) / len(sentences):.0f} characters; every hypothesis "
              f"{arguments.output_tokens} tokens; intra_threads={threads}, inter_threads=1, "
              f"length_penalty={LENGTH_PENALTY}, replace_unknowns")

        for index, beam in enumerate(beams):
            engine = Engine(model, TranslationSettings(beam_size=beam), threads=threads)
            source_tokens = sum(len(engine.tokenizer.encode(s)) for s in sentences)
            if index == 0:
                print(f"          mean source length {source_tokens / len(sentences):.1f} tokens")
            timings, differing = compare_paths(engine, sentences, batch_sizes if index == 0 else [], model, threads)
            print_table(beam, timings, differing)
            del engine

    print(f"\ntotal {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.2f} at the end "
          "(above the CPU count means other processes shared the cores)")


if __name__ == "__main__":
    main()
