"""Serve's rebuilds in one process, stage by stage, on a site `bench/build.py --keep` left (issue 20).

    .venv/bin/python bench/rebuilds.py SITE [--adds 3] [--seed 1] [--profile]

Builds SITE once (reading its state from .cache/, as `serve` does when it starts), then adds
`--adds` generated articles one at a time, each followed by the rebuild `serve` makes: the state the
last build handed on held in memory (`incremental.held`), and the paths of the saved files as the
change list. For each it prints the seconds until `output/` held the new site (when `serve` reloads
the browsers) and in all, and each stage's seconds; with `--profile`, a cProfile of the last one.
No watcher and no HTTP: this is the rebuild alone, without serve's ~0.1 s of noticing the save.
Run it in the environment `bench/build.py` gave the site's builds (ARGOS_PACKAGES_DIR=DIR/argos/packages
and XDG_DATA_HOME, XDG_CACHE_HOME, XDG_CONFIG_HOME=DIR/argos/data, cache, config, DIR the --keep
folder): the installed model is part of what the article cache is keyed by.

To compare two versions of the generator on the same machine at the same time, run it with
PYTHONPATH pointing at each checkout, on two copies of the kept site (each version re-renders the
whole site on its first build: the code is part of every page's key), alternating the runs.
The added articles are dated 2026 (after the generated ones) and named `<stem>-r<seed>`: use a new
seed for each run on the same site.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sitegen  # noqa: E402  (bench/ is not a package)

from generator.config import BuildOptions  # noqa: E402
from generator.incremental import held  # noqa: E402
from generator.pipeline import build  # noqa: E402
from generator.translate import EngineCache  # noqa: E402


def stages(seconds: dict[str, float]) -> str:
    return ", ".join(f"{stage} {value:.3f}" for stage, value in seconds.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a site bench/build.py --keep left (…/n10000/ours)")
    parser.add_argument("--adds", type=int, default=3, help="articles to add, one rebuild each (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="names and draws the added articles (default 1)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the last rebuild")
    args = parser.parse_args()
    site = args.site.resolve()
    options, engines = BuildOptions(site_dir=site, base_url="/"), EngineCache()
    started = time.perf_counter()
    report = build(options, engines)
    print(f"first build: {time.perf_counter() - started:.2f} s ({stages(report.stage_seconds)})")
    state = held(report.state)
    articles = sitegen.CorpusGenerator(sitegen.load_material(), seed=1000 + args.seed)
    for number in range(args.adds):
        article = articles.article(dt.date(2026, 1, 1) + dt.timedelta(days=number), editor_translation=True)
        article = replace(article, stem=f"{article.stem}-r{args.seed}")
        sitegen.write_our_article(site, article)
        changed = frozenset(str(path) for path in (site / "content" / "articles").glob(f"{article.stem}.*"))
        profile = cProfile.Profile() if args.profile and number == args.adds - 1 else None
        published: list[float] = []
        started = time.perf_counter()
        if profile:
            profile.enable()
        report = build(options, engines, state, changed,
                       then=lambda _: published.append(time.perf_counter() - started))
        if profile:
            profile.disable()
        total = time.perf_counter() - started
        state = held(report.state)
        print(f"add {number + 1}: published {published[0]:.3f} s, {total:.3f} s in all; {report.pages_written} "
              f"files written ({stages(report.stage_seconds)})")
        if profile:
            text = io.StringIO()
            pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(40)
            print(text.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
