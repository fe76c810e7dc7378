"""``modelcollapse explore``: the interactive explorer, served on this machine."""

from __future__ import annotations

import argparse
import sys
import webbrowser

from .common import whole


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "explore",
        description="Start the interactive explorer (a local web app) and open it in the "
                    "browser: drag p2, n, c2, the ridge or the model size and watch the "
                    "theory's curves move; simulate the points on screen; load your own loss "
                    "curves; share a view by its URL. Ctrl-C stops it.")
    parser.add_argument("--port", type=whole, default=8050,
                        help="port to listen on (default: 8050; 0: any free port)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default: 127.0.0.1, this machine only)")
    parser.add_argument("--no-browser", action="store_true",
                        help="print the address instead of opening a browser")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..explore import make_server

    if not 0 <= args.port <= 65535:
        raise ValueError(f"--port must be from 0 to 65535, got {args.port}")
    try:
        server = make_server(args.host, args.port)
    except OSError as err:
        raise ValueError(f"--host/--port: cannot listen on {args.host}:{args.port} "
                         f"({err.strerror or err})") from None
    if not server.loopback:
        print(f"modelcollapse explore: note: listening on {args.host}, reachable from other "
              "machines", file=sys.stderr)
    print(f"modelcollapse explore: serving on {server.url} (Ctrl-C stops)", flush=True)
    if not args.no_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("modelcollapse explore: stopped", flush=True)
    finally:
        server.server_close()
    return 0
