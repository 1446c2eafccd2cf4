"""Translation throughput: Argos's one-call-per-sentence loop against our batched Engine.

The real ar->en Argos model cannot be downloaded here, so this builds one of the same size
(transformer-base, 6+6 layers, d_model 512, int8) with random weights via tests/argos_model.py.
Every hypothesis is exactly --output-tokens pieces long, so all paths do the same decoding work.
At each beam size, with the same decoding options and the Engine's Translator (inter_threads=os.cpu_count(),
intra_threads=1: batches decoded side by side, one core each):

  (a) naive loop: one translate_batch call per sentence. argostranslate.translate sends a
      paragraph per call, but with batch_type="tokens" and max_batch_size=32 tokens, so a
      news sentence (about 30 tokens) is decoded alone all the same;
  (b) Engine.translate over all sentences (what the translate stage does);
  (c) one bare translate_batch over all tokenised sentences, batch_type="examples",
      max_batch_size=batch_size: the limit (b) can reach, without tokenising or decoding text;
  and, at the first beam, (b) at other batch sizes and (c) with inter_threads=1,
  intra_threads=cpu_count (one batch at a time on every core: the Engine's default until issue 22).

Each path runs --rounds times, interleaved, keeping its least wall and least CPU time: CPU time
per sentence stays comparable when other processes share the cores, wall time does not.

Run: .venv/bin/python bench/translate.py [--sentences N] [--beams 4,1] [--quick]

With --archive it measures instead, on one model and text, the build's Engine, `generator translate`
and `generator translate --cluster local` (bench/translate_archive.py), and projects 10^6 articles.
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
from generator.front_matter import split_front_matter  # noqa: E402
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
    """The best of several rounds of one path: least wall time and, separately, least CPU time (all threads)."""

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

    @property
    def cpu_ms_per_sentence(self) -> float:
        return 1000 * self.cpu_seconds / self.sentences


@dataclass(frozen=True)
class Contender:
    """One way to translate; `run` returns per sentence a hypothesis (token list) or, for the Engine, text."""

    label: str
    sentences: int
    run: Callable[[], list]


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


def best_of(rounds: int, contenders: list[Contender]) -> tuple[list[float], list[float], list[list]]:
    """Run the contenders in turn, `rounds` times over, so a burst of load from other processes
    hits them alike; keep each one's least wall and least CPU seconds, and its output."""
    best_wall = [float("inf")] * len(contenders)
    best_cpu = [float("inf")] * len(contenders)
    outputs: list[list] = [[] for _ in contenders]
    for _ in range(rounds):
        for i, contender in enumerate(contenders):
            wall, cpu = time.perf_counter(), time.process_time()
            outputs[i] = contender.run()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best_wall[i], best_cpu[i] = min(best_wall[i], wall), min(best_cpu[i], cpu)
    return best_wall, best_cpu, outputs


@dataclass(frozen=True)
class Comparison:
    timings: list[Timing]  # (a), (b), (c), then the variants
    differing_outputs: int  # Engine translations that are not (c)'s hypotheses decoded
    text_seconds: float  # what the Engine adds around CT2: SentencePiece encoding and decoding


def compare_paths(engine: Engine, sentences: list[str], naive_limit: int, rounds: int,
                  other_engines: list[Engine], intra_translator) -> Comparison:
    """Time (a), (b), (c), the other engines and the bare call on `intra_translator` (if any)."""
    settings = engine.settings
    translator, tokenizer = engine.translator, engine.tokenizer
    options = dict(beam_size=settings.beam_size, max_decoding_length=settings.max_decoding_length,
                   length_penalty=LENGTH_PENALTY, replace_unknowns=True)
    tokens = [tokenizer.encode(s) for s in sentences]
    # The naive loop costs the same per sentence however many there are: time an even sample of them.
    stride = -(-len(sentences) // naive_limit)
    naive_sample = tokens[::stride]

    def naive_loop(batch: list[list[str]]) -> list[list[str]]:
        return [translator.translate_batch([t], **options)[0].hypotheses[0] for t in batch]

    def bare_call(batch: list[list[str]], on=translator) -> list[list[str]]:
        results = on.translate_batch(batch, max_batch_size=settings.batch_size, batch_type="examples", **options)
        return [r.hypotheses[0] for r in results]

    naive_label = "(a) naive loop, 1 call per sentence" + (f", 1 in {stride} timed" if stride > 1 else "")
    contenders = [
        Contender(naive_label, len(naive_sample), lambda: naive_loop(naive_sample)),
        Contender(f"(b) Engine.translate, batch_size={settings.batch_size}", len(sentences),
                  lambda: engine.translate(sentences)),
        Contender(f"(c) bare translate_batch, max_batch_size={settings.batch_size}", len(sentences),
                  lambda: bare_call(tokens)),
    ]
    chunk = settings.batch_size * CHUNK_BATCHES
    if len(sentences) > chunk:
        contenders.append(Contender(f"(b) Engine.translate_in_chunks({chunk}), as the stage runs", len(sentences),
                                    lambda: [p for part in engine.translate_in_chunks(sentences, chunk) for p in part]))
    for other in other_engines:
        contenders.append(Contender(f"(b) Engine.translate, batch_size={other.settings.batch_size}", len(sentences),
                                    lambda other=other: other.translate(sentences)))
    if intra_translator is not None:
        contenders.append(Contender(f"(c) bare, inter_threads=1 intra_threads={os.cpu_count() or 1},"
                                    f" max_batch_size={settings.batch_size}", len(sentences),
                                    lambda: bare_call(tokens, on=intra_translator)))

    warm = sentences[:WARM_UP_SENTENCES]
    naive_loop(tokens[:WARM_UP_SENTENCES])
    bare_call(tokens[:WARM_UP_SENTENCES])
    for each in [engine, *other_engines]:
        each.translate(warm)
    if intra_translator is not None:
        bare_call(tokens[:WARM_UP_SENTENCES], on=intra_translator)

    walls, cpus, outputs = best_of(rounds, contenders)
    naive_tokens = sum(len(h) for h in outputs[0])
    bare_tokens = sum(len(h) for h in outputs[2])
    # The Engine returns text, so its token count is (c)'s: exact when its text equals (c)'s decoded.
    reference_text = [" ".join(tokenizer.decode(h).split()) for h in outputs[2]]
    differing = sum(mine != reference for mine, reference in zip(outputs[1], reference_text))
    timings = [Timing(c.label, c.sentences, wall, cpu, naive_tokens if i == 0 else bare_tokens)
               for i, (c, wall, cpu) in enumerate(zip(contenders, walls, cpus))]
    return Comparison(timings, differing, text_handling_seconds(tokenizer, sentences, outputs[2]))


def text_handling_seconds(tokenizer, sentences: list[str], hypotheses: list[list[str]]) -> float:
    """What the Engine adds around CTranslate2: encoding the sentences and decoding the hypotheses."""
    started = time.perf_counter()
    for sentence in sentences:
        tokenizer.encode(sentence)
    for hypothesis in hypotheses:
        tokenizer.decode(hypothesis)
    return time.perf_counter() - started


def print_table(beam: int, comparison: Comparison, rounds: int) -> None:
    timings = comparison.timings
    naive, bare = timings[0], timings[2]
    per_sentence = bare.generated_tokens // bare.sentences
    print(f"\nbeam {beam}: {per_sentence} target tokens generated per sentence on every path; "
          f"best of {rounds} round{'s' * (rounds != 1)}")
    header = (f"{'path':<60} {'sents':>5} {'wall s':>7} {'sent/s':>7} {'tok/s':>6} {'vs (a)':>7} {'vs (c)':>7}"
              f" | {'CPU/wall':>8} {'CPU ms/sent':>11} {'vs (a)':>7} {'vs (c)':>7}")
    print(header)
    print("-" * len(header))
    for t in timings:
        print(f"{t.label:<60} {t.sentences:>5} {t.seconds:>7.2f} {t.sentences_per_second:>7.2f} "
              f"{t.tokens_per_second:>6.0f} {t.sentences_per_second / naive.sentences_per_second:>6.2f}x "
              f"{t.sentences_per_second / bare.sentences_per_second:>6.2f}x | "
              f"{t.cpu_seconds / t.seconds:>8.2f} {t.cpu_ms_per_sentence:>11.0f} "
              f"{naive.cpu_ms_per_sentence / t.cpu_ms_per_sentence:>6.2f}x "
              f"{bare.cpu_ms_per_sentence / t.cpu_ms_per_sentence:>6.2f}x")
    agreement = (f"{comparison.differing_outputs} of {bare.sentences} Engine translations differ from (c)'s "
                 "decoded output (its tok/s is approximate)" if comparison.differing_outputs
                 else "Engine output equals (c)'s decoded output for every sentence")
    print(f"{agreement}; the Engine's SentencePiece encoding + decoding of all {bare.sentences} sentences "
          f"takes {1000 * comparison.text_seconds:.1f} ms.")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, help="repeat or cut the article sentences to N (default: all)")
    parser.add_argument("--beams", default="4,1", help="comma-separated beam sizes (default: 4,1)")
    parser.add_argument("--batch-sizes", default="16,64",
                        help="other Engine batch sizes, timed at the first beam (default: 16,64; '' for none)")
    parser.add_argument("--rounds", type=int, default=2, help="time every path this many times, keep the best")
    parser.add_argument("--naive-sentences", type=int, default=16,
                        help="time the naive loop on an even sample of at most this many sentences (default: 16)")
    parser.add_argument("--output-tokens", type=int, default=48, help="length of every hypothesis (default: 48)")
    parser.add_argument("--archive", action="store_true",
                        help="the build's Engine vs `generator translate` vs `--cluster local` "
                             "(--sentences, default 256), then the 10^6-article projection")
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_SENTENCES} sentences, 8 for the naive loop, no other batch sizes: "
                             "under a minute on 2 idle cores")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.sentences = arguments.sentences or QUICK_SENTENCES
        arguments.naive_sentences = min(arguments.naive_sentences, 8)
        arguments.batch_sizes = ""
    return arguments


def main() -> None:
    import ctranslate2

    arguments = parse_arguments()
    if arguments.archive:
        from translate_archive import main as archive

        archive(arguments.sentences or 256, arguments.output_tokens)
        return
    beams = [int(b) for b in arguments.beams.split(",") if b.strip()]
    batch_sizes = [int(b) for b in arguments.batch_sizes.split(",") if b.strip()]
    threads = os.cpu_count() or 1
    started = time.perf_counter()

    paragraphs = article_paragraphs()
    sentences = benchmark_sentences(paragraphs, arguments.sentences)
    extra_text = corpus_paragraphs()
    print("command:  " + shlex.join([Path(sys.executable).name, *sys.argv]))
    print(f"machine:  {threads} CPUs (os.cpu_count), {platform.platform()}, Python {platform.python_version()}, "
          f"ctranslate2 {ctranslate2.__version__}, load average {os.getloadavg()[0]:.2f} at start")

    with tempfile.TemporaryDirectory(prefix="bench-translate-") as workdir:
        build_started = time.perf_counter()
        model = build_model(Path(workdir), paragraphs + extra_text, arguments.output_tokens)
        vocabulary = vocabulary_size(model)
        shortfall = f", asked {TARGET_VOCABULARY}: the text supports no more" if vocabulary < TARGET_VOCABULARY else ""
        print(f"model:    transformer-base 6+6 layers, d_model 512, 8 heads, ffn 2048, int8, random weights; "
              f"shared vocabulary {vocabulary} pieces (trained on the articles"
              f"{' + the shared corpus' if extra_text else ''}{shortfall}); "
              f"built in {time.perf_counter() - build_started:.1f} s")

        for index, beam in enumerate(beams):
            first = index == 0
            settings = TranslationSettings(beam_size=beam)
            engine = Engine(model, settings, threads=threads)
            if first:
                source_tokens = sum(len(engine.tokenizer.encode(s)) for s in sentences)
                print(f"input:    {len(sentences)} sentences from {len(paragraphs)} paragraphs of "
                      f"content/articles/*.md, mean {source_tokens / len(sentences):.1f} source tokens; "
                      f"every hypothesis {arguments.output_tokens} tokens; one Translator per engine with "
                      f"inter_threads={threads}, intra_threads=1; length_penalty={LENGTH_PENALTY}, "
                      f"replace_unknowns, max_decoding_length={settings.max_decoding_length}")
            others = [Engine(model, replace(settings, batch_size=size), threads=threads)
                      for size in (batch_sizes if first else [])]
            # One batch at a time on every core: differs from the Engine only when there are several.
            several_batches = threads > 1 and len(sentences) > settings.batch_size
            intra = (ctranslate2.Translator(str(model.path / "model"), device="cpu", inter_threads=1,
                                               intra_threads=threads) if first and several_batches else None)
            comparison = compare_paths(engine, sentences, arguments.naive_sentences, arguments.rounds, others,
                                       intra)
            print_table(beam, comparison, arguments.rounds)
            del engine, others, intra

    print("\nvs (a), vs (c): sentences/s (left) or CPU per sentence (right) against the naive loop / the bare call"
          " (1.00x = at the limit). On a busy machine the CPU columns are the ones to compare.")
    print(f"total {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.2f} at the end "
          f"(CPU/wall well under {threads} or a load average above {threads}: other processes shared the cores)")


if __name__ == "__main__":
    main()
