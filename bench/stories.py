"""Story grouping against a hand labelling of the shared ANT corpus, and where related links lead.

    .venv/bin/python bench/stories.py [--corpus PATH] [--labels PATH] [--self-test]

1. Stories: the site's stories (`model.stories` of `generator.group.group`) scored by B-cubed
   precision, recall and F1 (Bagga & Baldwin 1998: per-article precision and recall, averaged over
   the articles) against `bench/stories/labels.tsv`, separately for its `dev` and `heldout` windows
   (both clusterings restricted to the window's articles), next to the all-singletons baseline.
   An article in no story, or in a one-article story, is a singleton.
2. Related links: the share of all related links (over every corpus article) whose target has the
   article's own corpus `category`, i.e. stays in the article's outlet section.

The grouping before stories existed (connected groups of near-duplicate links) scored
.752 / .795 F1 (dev / held-out); its figures are kept in bench/README.md. `--self-test` checks the scoring
functions on small hand-made examples and exits. The corpus is for measurement only and is not part
of the repository; without it this exits cleanly.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "articles.jsonl"
DEFAULT_LABELS = BENCH / "stories" / "labels.tsv"
WINDOWS = ("dev", "heldout")


# --- scoring: small pure functions ----------------------------------------------------------------


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1) of `predicted` against `gold`, both item -> cluster id over the
    same items: each item's precision is the share of its predicted cluster that shares its gold
    cluster, its recall the share of its gold cluster that shares its predicted cluster; both are
    averaged over the items, and F1 is the harmonic mean of the two averages."""
    if set(predicted) != set(gold):
        raise ValueError("both clusterings must cover the same items")
    if not gold:
        return 1.0, 1.0, 1.0
    pair_sizes = Counter((predicted[item], gold[item]) for item in gold)
    predicted_sizes, gold_sizes = Counter(predicted.values()), Counter(gold.values())
    precision = sum(pair_sizes[predicted[i], gold[i]] / predicted_sizes[predicted[i]] for i in gold) / len(gold)
    recall = sum(pair_sizes[predicted[i], gold[i]] / gold_sizes[gold[i]] for i in gold) / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def clustering(groups: Iterable[Iterable[str]], items: Iterable[str]) -> dict[str, str]:
    """Each of `items` -> a cluster id: the first group holding it (groups of one count as nothing),
    else a singleton cluster of its own. Items of the groups that are not in `items` are left out."""
    cluster: dict[str, str] = {}
    for number, group in enumerate(map(list, groups)):
        if len(group) > 1:
            for item in group:
                cluster.setdefault(item, f"group-{number}")
    return {item: cluster.get(item, f"single-{item}") for item in items}


def same_section_links(related: Mapping[str, Sequence[str]], section: Mapping[str, str]) -> tuple[int, int]:
    """(links whose target is in the article's own section, all links) over every article's related links."""
    links = [(slug, target) for slug, targets in related.items() for target in targets]
    return sum(section[slug] == section[target] for slug, target in links), len(links)


def self_test() -> None:
    gold = {"a": "x", "b": "x", "c": "y"}
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    singletons = {item: item for item in gold}
    p, r, _ = bcubed(singletons, gold)
    assert p == 1.0 and abs(r - (1 / 2 + 1 / 2 + 1) / 3) < 1e-12
    p, r, _ = bcubed({item: "all" for item in gold}, gold)
    assert r == 1.0 and abs(p - (2 / 3 + 2 / 3 + 1 / 3) / 3) < 1e-12
    # Bagga & Baldwin (1998), fig. 2: truth {1..5} {6,7} {8,9,A,B,C}; merging the two smaller chains costs
    # precision 16/21, merging the two larger ones 7/12 (recall stays 1).
    truth = clustering([list("12345"), list("67"), list("89ABC")], "123456789ABC")
    p, r, _ = bcubed(clustering([list("12345"), list("6789ABC")], truth), truth)
    assert abs(p - 16 / 21) < 1e-12 and r == 1.0
    p, r, f = bcubed(clustering([list("1234589ABC"), list("67")], truth), truth)
    assert abs(p - 7 / 12) < 1e-12 and r == 1.0 and abs(f - 2 * (7 / 12) / (7 / 12 + 1)) < 1e-12
    assert clustering([["a"], ["b", "z"]], ["a", "b"]) == {"a": "single-a", "b": "group-1"}
    assert same_section_links({"a": ["b", "c"], "b": ["a"], "c": []},
                              {"a": "sport", "b": "sport", "c": "economy"}) == (2, 3)
    print("self-test passed")


# --- the benchmark --------------------------------------------------------------------------------


def read_labels(path: Path) -> dict[str, dict[str, str]]:
    """window -> {slug: story} from the labels file (slug = corpus id lower-cased, as `translated` makes)."""
    labels: dict[str, dict[str, str]] = {window: {} for window in WINDOWS}
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file, delimiter="\t"):
            labels[row["window"]][row["id"].lower()] = row["story"]
    return labels


def describe(clusters: Mapping[str, str]) -> tuple[int, int, int]:
    """(clusters, clusters of two or more, largest) of an item -> cluster mapping."""
    sizes = Counter(clusters.values())
    return len(sizes), sum(size > 1 for size in sizes.values()), max(sizes.values(), default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--self-test", action="store_true", help="check the scoring functions and exit")
    args = parser.parse_args()
    if args.self_test:
        self_test()
        return
    if not args.corpus.is_file():
        print(f"skipped: no corpus at {args.corpus} (it lives in shared/, beside the repository)")
        return

    sys.path[:0] = [str(REPO), str(BENCH)]  # the generator is imported only here: --self-test needs none of it
    from summaries import SENTENCES, translated  # the corpus records as the pipeline would hand them on

    from generator.config import load_config
    from generator.group import group
    from generator.summarize import summarize

    records = [json.loads(line) for line in args.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    section = {record["id"].lower(): record["category"] for record in records}
    labels = read_labels(args.labels)
    model = group(summarize([translated(record) for record in records], SENTENCES), load_config(REPO))
    groups = [list(story.slugs) for story in model.stories if len(story.slugs) > 1]
    system = "model.stories"

    print(f"corpus: {len(records)} articles; {system}: {len(groups)} groups of two or more "
          f"(largest {max(map(len, groups), default=0)})\n")
    print("stories vs. hand labels (B-cubed)     articles  stories  multi  largest  precision  recall     F1")
    for window in WINDOWS:
        gold = labels[window]
        print(f"  {window:<36}{len(gold):8}{'%9d%7d%9d' % describe(gold)}")
        for name, predicted in ((system, clustering(groups, gold)), ("all singletons", {s: s for s in gold})):
            precision, recall, f1 = bcubed(predicted, gold)
            print(f"    {name:<42}{'%9d%7d%9d' % describe(predicted)}{precision:11.3f}{recall:8.3f}{f1:7.3f}")

    same, total = same_section_links({entry.slug: entry.related for entry in model.entries}, section)
    print(f"\nrelated links to the article's own section (corpus category): {same}/{total}"
          f" = {same / total if total else 0:.1%}")


if __name__ == "__main__":
    main()
