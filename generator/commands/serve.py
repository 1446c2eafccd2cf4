"""`serve`: build, serve the site locally, rebuild and reload the browser on every save."""

from __future__ import annotations

import argparse
import errno
import logging
import signal
import sys
import webbrowser
from pathlib import Path

from ..config import BuildOptions

NAME = "serve"
HELP = "build the site, serve it on this computer and rebuild it (reloading the browser) on every save"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def port_number(text: str) -> int:
    port = int(text)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1–65535)")
    return port


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default: 127.0.0.1, reachable from this computer only)")
    parser.add_argument("--port", type=port_number, default=8000, help="the port to listen on (default: 8000)")
    parser.add_argument("--open", action="store_true", help="open the site in the web browser")
    parser.add_argument("--output", type=Path, metavar="DIR", help="where to write the site (default: DIR/output)")
    parser.add_argument("--base-url", metavar="URL",
                        help="the address the site is built for (default: /, so links work here, whatever "
                        "site.yaml says; a path like /briefing/ serves the site under that path)")


def run(args: argparse.Namespace) -> int:
    from ..serve import SiteServer  # pulls in the whole pipeline: import it only when serving

    options = BuildOptions(site_dir=args.site, output=args.output, base_url=args.base_url)
    server = SiteServer(options, host=args.host, port=args.port)
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)  # a line per request would bury build results
    if args.host not in LOOPBACK:
        print(f"Warning: listening on {args.host}: other computers on the network can read the site.",
              file=sys.stderr)
    previous = signal.signal(signal.SIGTERM, _stop_as_on_ctrl_c)  # how containers and service managers stop it
    try:
        try:
            server.start()
        except OSError as error:
            in_use = error.errno == errno.EADDRINUSE
            hint = " Another program is using that port: try --port with another number." if in_use else ""
            print(f"Cannot listen on {args.host}:{args.port}: {error.strerror or error}.{hint}", file=sys.stderr)
            return 1
        print(f"Serving {server.url} — rebuilding on every save. Press Ctrl+C to stop.")
        if args.open:
            webbrowser.open(server.url)
        server.wait()
    except KeyboardInterrupt:  # the normal way to stop, even during the first build
        print("Stopped.")
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    return 0


def _stop_as_on_ctrl_c(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
