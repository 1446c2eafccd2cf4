"""What the bilingual view and the search index cost a clean build (issue 5, target (a)).

    .venv/bin/python bench/features.py DIR/n10000 [--repeats 1]

DIR is a folder `bench/build.py --keep DIR` left behind: DIR/n10000/ours is our site, DIR/argos the
Argos home with the tiny model. Each variant is a clean build of that site (output/, the spare and
.cache/ removed and the removal synced, as build.py's measurement (a) does; the translation memory
kept), in a fresh process:

  - as built: what bench/build.py measures;
  - without the bilingual view: no <lang>/bilingual/ pages (20,000 at 10,000 articles);
  - without the search index: no Pagefind index (20,000 records);
  - without the bilingual view and the search index: the pages Pelican and Hugo build in
    bench/build.py (article, theme and month pages), in both languages.

A variant drops pages by replacing two generator functions in the build process
(`SiteRenderer.page_specs`, `pipeline.search_files`), for timing only: the pages left link to pages
it did not make. It fails loudly if those functions are renamed. Prints wall and CPU seconds
(user + system, children included) and the build's own time per stage.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build import Ours, Run, argos_environment, machine_description, timed  # noqa: E402  (bench/build.py)

# Run in the build process before the generator's CLI: each variant replaces what it leaves out.
_WITHOUT_BILINGUAL = """
from generator import render
_every_page = render.SiteRenderer.page_specs
render.SiteRenderer.page_specs = lambda self: [spec for spec in _every_page(self) if spec[0] != "bilingual"]
"""
_WITHOUT_SEARCH = """
from generator import pipeline, search
assert pipeline.search_files
pipeline.search_files = lambda *arguments, **options: search.SearchFiles(pages=[], kept=[])
"""
VARIANTS = {
    "as built": "",
    "without the bilingual view": _WITHOUT_BILINGUAL,
    "without the search index": _WITHOUT_SEARCH,
    "without the bilingual view and the search index": _WITHOUT_BILINGUAL + _WITHOUT_SEARCH,
}
_STAGES = re.compile(r"^Time per stage: (.*)$", re.MULTILINE)


def clean_build(site: Path, variant: str, env: dict[str, str], timeout: float) -> Run:
    """One build of `site` from nothing but its sources and translation memory."""
    Ours(site, env).clean()
    program = (f"{variant}\nimport sys\nfrom generator.cli import main\n"
               f"sys.exit(main(['build', '--site', {str(site)!r}, '-v']))")
    return timed([sys.executable, "-c", program], cwd=site, env=env, timeout=timeout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size_dir", type=Path, help="a size's folder kept by bench/build.py --keep, e.g. DIR/n10000")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    site = args.size_dir / "ours"
    home = args.size_dir.parent / "argos"
    if not (site / "site.yaml").is_file() or not home.is_dir():
        parser.error(f"{site} or {home} is missing: run bench/build.py --keep DIR first")
    env = argos_environment(home)
    print("\n".join(machine_description()))
    for name, variant in VARIANTS.items():
        runs = [clean_build(site, variant, env, args.timeout) for _ in range(args.repeats)]
        failed = next((run for run in runs if not run.ok), None)
        if failed is not None:
            print(f"{name}: failed\n{failed.stderr[-2000:]}")
            return 1
        stages = _STAGES.search(runs[-1].stdout)
        print(f"{name}: {statistics.median(r.seconds for r in runs):.1f} s wall, "
              f"{statistics.median(r.cpu_seconds for r in runs):.1f} s CPU "
              f"({', '.join(f'{r.seconds:.1f}' for r in runs)}); "
              f"stages of the last: {stages.group(1) if stages else '?'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
