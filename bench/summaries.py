"""Speed and quality of the summarize and group stages on the shared ANT corpus.

    .venv/bin/python bench/summaries.py [--corpus PATH] [--scale 10000]

1. Speed: summarising each corpus article, and grouping the corpus replicated to `--scale`
   articles (copies get their own slugs and dates two weeks apart, so they form new stories).
2. Summary quality against two baselines, lead-3 and sumy's LexRank: ROUGE-1/2 recall and F1
   against the article's own headline (content terms: normalised, stemmed, no stop words),
   redundancy (mean pairwise cosine of the chosen sentences), and how many picks are fragments or
   boilerplate by the summariser's own test; then five articles side by side.
3. Grouping quality: the automatic clustering run on every article as if no configured theme
   matched, scored by purity and NMI against the corpus' `category` labels, per threshold; and the
   near-duplicate pairs found, with how many pair different outlets.

The corpus is for measurement only and is not part of the repository; without it this exits cleanly.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator import group as grouping  # noqa: E402
from generator.arabic import STOP_WORDS, content_terms, words  # noqa: E402
from generator.clean import clean_article  # noqa: E402
from generator.config import DEFAULT_CLEANING, load_config  # noqa: E402
from generator.structure import ArticleMeta, SourceArticle, SummarizedArticle, TranslatedArticle  # noqa: E402
from generator.summarize import is_summary_worthy, summarize  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "articles.jsonl"
SENTENCES = 3
CLUSTER_THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3)
DUPLICATE_THRESHOLDS = (0.5, 0.6, 0.7)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--scale", type=int, default=10_000, help="articles in the grouping speed test")
    args = parser.parse_args()
    if not args.corpus.is_file():
        print(f"skipped: no corpus at {args.corpus} (it lives in shared/, beside the repository)")
        return
    records = [json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = [translated(record) for record in records]
    config = load_config(REPO)

    print(f"corpus: {len(articles)} articles\n")
    summarized = speed(articles, config, args.scale)
    summary_quality(articles, summarized, records)
    grouping_quality(summarized, records)


def translated(record: dict) -> TranslatedArticle:
    """A corpus record as the translate stage would hand it on, translation still pending."""
    date = dt.date.fromisoformat(record["date"][:10]) if record.get("date") else None
    meta = ArticleMeta(title=record["title"], date=date, source=record.get("source"), url=record.get("url"))
    source = SourceArticle(path=f"corpus/{record['id']}.txt", slug=record["id"].lower(), meta=meta,
                           body=record["body"], body_line=1, content_hash=record["id"])
    return TranslatedArticle(clean_article(source, DEFAULT_CLEANING), None)


def replicated(articles: list[SummarizedArticle], count: int) -> list[SummarizedArticle]:
    """`count` articles cycling through the corpus; copy k gets a new slug and dates shifted 14·k days."""
    copies = []
    for k, article in zip(range(count), itertools.cycle(articles)):
        generation = k // len(articles)
        source = article.translated.clean.source
        meta = dataclasses.replace(source.meta, date=source.meta.date + dt.timedelta(days=14 * generation)
                                   if source.meta.date else None)
        source = dataclasses.replace(source, slug=f"{source.slug}-{generation}", meta=meta)
        clean = dataclasses.replace(article.translated.clean, source=source)
        copies.append(SummarizedArticle(dataclasses.replace(article.translated, clean=clean), article.summary))
    return copies


# --- 1. speed -------------------------------------------------------------------------------------


def _timed(action):
    """Run `action`; return its result, wall seconds and CPU seconds (CPU time is steadier on a busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def speed(articles: list[TranslatedArticle], config, scale: int) -> list[SummarizedArticle]:
    summarized, cold_wall, cold_cpu = _timed(lambda: summarize(articles, SENTENCES))
    _, warm_wall, warm_cpu = _timed(lambda: summarize(articles, SENTENCES))
    _, small_wall, small_cpu = _timed(lambda: grouping.group(summarized, config))
    many = replicated(summarized, scale)
    model, wall, cpu = _timed(lambda: grouping.group(many, config))
    per_article = 1000 / len(articles)
    print("speed                               wall      cpu")
    print(f"  summarize, cold stem cache  {cold_wall * per_article:7.2f}  {cold_cpu * per_article:7.2f}  ms/article")
    print(f"  summarize, warm             {warm_wall * per_article:7.2f}  {warm_cpu * per_article:7.2f}  ms/article")
    print(f"  group {len(articles):>6} articles      {small_wall:7.2f}  {small_cpu:7.2f}  s")
    print(f"  group {len(many):>6} articles      {wall:7.2f}  {cpu:7.2f}  s  "
          f"({len(model.themes)} themes, {len(model.briefings)} briefings)\n")
    return summarized


# --- 2. summary quality ---------------------------------------------------------------------------


def lead(article: TranslatedArticle, count: int) -> list[str]:
    """The first `count` body sentences, unfiltered: the classic news baseline."""
    body = [text for block in article.clean.blocks if block.kind in ("p", "quote", "li") for text in block.sentences]
    return body[:count]


class _NormalisedTokenizer:
    """sumy tokenizer over our Arabic analysis (sumy ships no Arabic stemmer or sentence model)."""

    @staticmethod
    def to_words(text: str) -> list[str]:
        return words(text)


def sumy_lexrank(article: TranslatedArticle, count: int) -> list[str]:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.summarizers.lex_rank import LexRankSummarizer

    tokenizer = _NormalisedTokenizer()
    paragraphs = [Paragraph([Sentence(text, tokenizer) for text in block.sentences])
                  for block in article.clean.blocks if block.kind in ("p", "quote", "li") and block.sentences]
    summarizer = LexRankSummarizer()
    summarizer.stop_words = STOP_WORDS
    return [str(sentence) for sentence in summarizer(ObjectDocumentModel(paragraphs), count)]


def rouge(summary: list[str], reference: str, n: int) -> tuple[float, float]:
    """(recall, F1) of the reference's n-grams of content terms found in the summary."""
    def grams(text: str) -> Counter:
        terms = content_terms(text)
        return Counter(zip(*(terms[i:] for i in range(n))))

    produced, wanted = grams(" ".join(summary)), grams(reference)
    overlap = sum((produced & wanted).values())
    if not overlap:
        return 0.0, 0.0
    recall, precision = overlap / sum(wanted.values()), overlap / sum(produced.values())
    return recall, 2 * recall * precision / (recall + precision)


def redundancy(summary: list[str]) -> float | None:
    """Mean pairwise cosine of the sentences' term counts; None for fewer than two sentences."""
    vectors = [Counter(content_terms(sentence)) for sentence in summary]
    pairs = list(itertools.combinations(vectors, 2))
    if not pairs:
        return None

    def cosine(a: Counter, b: Counter) -> float:
        dot = sum(a[t] * b[t] for t in a.keys() & b.keys())
        return dot / (np.sqrt(sum(v * v for v in a.values())) * np.sqrt(sum(v * v for v in b.values())) or 1)

    return float(np.mean([cosine(a, b) for a, b in pairs]))


def summary_quality(articles: list[TranslatedArticle], summarized: list[SummarizedArticle], records: list[dict]):
    systems = {
        "ours": [list(s.summary.arabic) for s in summarized],
        "lead-3": [lead(a, SENTENCES) for a in articles],
        "sumy LexRank": [sumy_lexrank(a, SENTENCES) for a in articles],
    }
    print("summary quality (vs. headline; content terms)   R1-rec  R1-F1  R2-rec  R2-F1  redund.  bad picks")
    for name, summaries in systems.items():
        r1 = np.mean([rouge(s, r["title"], 1) for s, r in zip(summaries, records)], axis=0)
        r2 = np.mean([rouge(s, r["title"], 2) for s, r in zip(summaries, records)], axis=0)
        redundancies = [x for x in map(redundancy, summaries) if x is not None]
        picks = [sentence for s in summaries for sentence in s]
        bad = sum(not is_summary_worthy(sentence, len(words(sentence))) for sentence in picks)
        print(f"  {name:<46}{r1[0]:7.3f}{r1[1]:7.3f}{r2[0]:8.3f}{r2[1]:7.3f}{np.mean(redundancies):9.3f}"
              f"  {bad}/{len(picks)}")
    print()
    for k in np.linspace(0, len(articles) - 1, 5).astype(int):
        print(f"--- {records[k]['id']}: {records[k]['title']}")
        for name, summaries in systems.items():
            print(f"  [{name}]")
            for sentence in summaries[k]:
                print(f"    · {sentence[:160]}{'…' if len(sentence) > 160 else ''}")
    print()


# --- 3. grouping quality --------------------------------------------------------------------------


def purity(labels: list[str], clusters: list[int]) -> float:
    by_cluster: dict[int, Counter] = {}
    for label, cluster in zip(labels, clusters):
        by_cluster.setdefault(cluster, Counter())[label] += 1
    return sum(c.most_common(1)[0][1] for c in by_cluster.values()) / len(labels)


def grouping_quality(summarized: list[SummarizedArticle], records: list[dict]) -> None:
    order = sorted(range(len(summarized)), key=lambda i: summarized[i].slug)  # group() works in slug order
    labels = [records[i]["category"] for i in order]
    profiles = [summarized[i].profile for i in order]
    vectors, _ = grouping.tfidf_vectors([p.terms for p in profiles])
    cluster_neighbours = grouping.nearest_neighbours(vectors, grouping.CLUSTER_NEIGHBOURS)

    print("automatic themes vs. corpus category        clusters  singletons  purity    NMI")
    for threshold in CLUSTER_THRESHOLDS:
        clusters = grouping.star_clusters(*cluster_neighbours, threshold)
        assignment = [0] * len(order)
        for number, members in enumerate(clusters):
            for row, _ in members:
                assignment[row] = number
        singletons = sum(len(members) == 1 for members in clusters)
        marker = "  <- CLUSTER_SIMILARITY" if threshold == grouping.CLUSTER_SIMILARITY else ""
        print(f"  star clustering, cosine >= {threshold:<4}          {len(clusters):6}  {singletons:10}"
              f"  {purity(labels, assignment):6.3f}  {normalized_mutual_info_score(labels, assignment):6.3f}{marker}")

    neighbours, similarities = grouping.nearest_neighbours(vectors, 20)
    sources = [records[i]["source"] for i in order]
    dates = [summarized[i].translated.clean.source.meta.date for i in order]
    print("\nnear-duplicate pairs (also within 3 days)  pairs  cross-outlet")
    for threshold in DUPLICATE_THRESHOLDS:
        pairs = {(min(i, int(j)), max(i, int(j))) for i in range(len(order))
                 for j, s in zip(neighbours[i], similarities[i])
                 if s >= threshold and grouping.close_in_time(dates[i], dates[int(j)])}
        cross = sum(sources[i] != sources[j] for i, j in pairs)
        marker = "  <- DUPLICATE_SIMILARITY" if threshold == grouping.DUPLICATE_SIMILARITY else ""
        print(f"  cosine >= {threshold:<4}                           {len(pairs):5}  {cross:12}{marker}")
    titles = [records[i]["title"] for i in order]
    near = sorted(((float(s), i, int(j)) for i in range(len(order)) for j, s in zip(neighbours[i], similarities[i])
                   if grouping.DUPLICATE_SIMILARITY - 0.1 <= s < grouping.DUPLICATE_SIMILARITY + 0.1 and i < j),
                  reverse=True)
    print("\npairs near the duplicate threshold:")
    for similarity, i, j in near[:8]:
        print(f"  {similarity:.2f}  {titles[i][:60]}  |  {titles[j][:60]}")


if __name__ == "__main__":
    main()
