"""`translate`: translate the site's whole archive into the memory ahead of any build."""

from __future__ import annotations

import argparse
import sys

from .report import config_or_report, print_diagnostics

NAME = "translate"
HELP = "translate every pending segment of the articles into the translation memory, without building"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--articles", metavar="GLOB",
                        help="only articles whose path matches, e.g. 'content/articles/2023-*' (default: all)")
    parser.add_argument("--limit", type=int, metavar="N", help="at most N articles, in file order")
    parser.add_argument("--cluster", metavar="local|ray://HOST:PORT",
                        help="translate on Ray: `local` starts it on this machine, ray://HOST:PORT joins a cluster "
                             "(needs `pip install -e '.[cluster]'`)")
    parser.add_argument("--batch-size", type=int, metavar="N", help="segments per model batch "
                        "(default: translation.batch_size in site.yaml)")
    parser.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                        help="processes loading and cleaning the articles (default: 1)")


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..structure import BuildFailed
    from ..translate import INSTALL_HINT
    from ..translate.ahead import AheadRequest, local_chunks, translate_ahead

    for option, value in (("--limit", args.limit), ("--batch-size", args.batch_size), ("--jobs", args.jobs)):
        if value is not None and value < 1:
            print(f"error: {option} must be at least 1", file=sys.stderr)
            return 2
    backend = local_chunks
    if args.cluster:
        from ..translate.cluster import ClusterUnavailable, ray_chunks

        try:
            backend = ray_chunks(args.cluster)
        except ClusterUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    config = config_or_report(args.site)
    if config is None:
        return 1
    request = AheadRequest(args.articles, args.limit, args.batch_size)
    bar = tqdm(total=0, unit="seg", desc="Translating", dynamic_ncols=True, file=sys.stderr)

    def progress(pending: int, finished: int) -> None:
        if pending:
            bar.total += pending
            bar.refresh()
        bar.update(finished)

    try:
        report = translate_ahead(config, request, backend, progress, args.jobs)
    except LookupError as exc:
        print(f"error: {exc}; run `{INSTALL_HINT}` (or `{INSTALL_HINT} --from-file PATH.argosmodel` offline)",
              file=sys.stderr)
        return 1
    except BuildFailed as failure:
        print_diagnostics(failure.diagnostics)
        return 1
    finally:
        bar.close()
    print_diagnostics(list(report.diagnostics))
    stopped = " Stopped by Ctrl+C: what was finished is kept; run it again to go on." if report.interrupted else ""
    print(f"Translated {report.translated} segment(s), {report.from_memory} from memory, {report.failed} failed, "
          f"in {report.seconds:.1f} s ({report.rate:.1f} segments/s).{stopped}")
    if report.interrupted:
        return 130
    return 1 if report.failed or any(d.level == "error" for d in report.diagnostics) else 0
