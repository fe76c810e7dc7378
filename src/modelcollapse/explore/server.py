"""The explorer's web server: a standard-library HTTP server answering JSON from the library.

Routes (every parameter in the query string, as the page's shareable URL holds them):

- ``GET /``: the page; ``GET /static/NAME``: its script and style, and Plotly's JavaScript
  from the ``plotly`` package (so the page works offline);
- ``GET /api/views``: every view's parameters and the caps;
- ``GET|POST /api/view?view=NAME&...``: the view's figure as JSON, or with ``format=csv`` its
  data as CSV (POST: the data view's CSV file as the body);
- ``POST /api/simulate?view=NAME&seeds=K&...``: start a Monte-Carlo job for the view's points;
  ``GET /api/jobs/ID``: its progress and markers; ``POST /api/jobs/ID/cancel``: stop it.

A bad parameter is a 400 answer whose ``error`` names it (the library's own ValueError); the
server prints one line per unexpected failure, never a traceback.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import sys
from functools import cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import params
from .chain_views import VIEWS as CHAIN_VIEWS
from .data_view import VIEW as DATA_VIEW
from .jobs import Jobs
from .smc_views import VIEWS as SMC_VIEWS
from .view import View

VIEWS: dict[str, View] = {v.name: v for v in (*SMC_VIEWS, *CHAIN_VIEWS, DATA_VIEW)}
STATIC = {"app.js": "text/javascript", "app.css": "text/css", "index.html": "text/html"}
# Request keys that are not a view's parameters.
CONTROL_KEYS = ("view", "format", "seeds")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


class ExplorerServer(ThreadingHTTPServer):
    """A threading HTTP server bound to exactly the host it is given, holding the jobs."""

    daemon_threads = True  # a request in flight does not hold up Ctrl-C

    def __init__(self, host: str, port: int) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.jobs = Jobs()
        self.loopback = _is_loopback(host)
        super().__init__((host, port), Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}/"

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver prints a traceback here; a dropped connection is one quiet line
        error = sys.exc_info()[1]
        print(f"modelcollapse explore: {client_address[0]}: {type(error).__name__}: {error}",
              file=sys.stderr)

    def server_close(self) -> None:
        self.jobs.cancel_all()
        super().server_close()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Handler(BaseHTTPRequestHandler):
    server: ExplorerServer
    server_version = "modelcollapse-explore"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the terminal shows failures only

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def _answer(self, method: str) -> None:
        try:
            if not self._host_allowed():
                return self._send_json({"error": "host: this server answers its own address "
                                                 "only"}, HTTPStatus.FORBIDDEN)
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            self._route(method, url.path, query)
        except ValueError as err:
            self._send_json({"error": str(err)}, HTTPStatus.BAD_REQUEST)
        except KeyError as err:
            self._send_json({"error": f"not found: {err.args[0]}"}, HTTPStatus.NOT_FOUND)
        except ConnectionError:  # the page went away (a newer request replaced this one)
            pass
        except Exception as err:  # never a traceback in the terminal or on the page
            print(f"modelcollapse explore: {self.path}: {type(err).__name__}: {err}",
                  file=sys.stderr)
            self._send_json({"error": f"internal error: {type(err).__name__}: {err}"},
                            HTTPStatus.INTERNAL_SERVER_ERROR)

    def _host_allowed(self) -> bool:
        """On a loopback address, only a Host header naming a loopback address (a web page
        from elsewhere cannot reach the explorer through a rebound DNS name)."""
        if not self.server.loopback:
            return True
        host = urlsplit(f"//{self.headers.get('Host', '')}").hostname or ""
        return host in LOOPBACK_NAMES

    def _route(self, method: str, path: str, query: dict[str, str]) -> None:
        if method == "GET" and path in ("/", "/index.html"):
            return self._send_static("index.html")
        if method == "GET" and path.startswith("/static/"):
            return self._send_static(path.removeprefix("/static/"))
        if method == "GET" and path == "/api/views":
            return self._send_json({"views": [v.to_dict() for v in VIEWS.values()],
                                    "caps": caps()})
        if path == "/api/view":
            return self._view(method, query)
        if method == "POST" and path == "/api/simulate":
            view, values = _view_values(query)
            if view.simulation is None:
                raise ValueError(f"view: the {view.name} view has nothing to simulate")
            seeds = params.Param("seeds", "seeds", "8", "whole", cap=params.MAX_SEEDS)
            job = self.server.jobs.start(view.simulation(values),
                                         seeds.read(query.get("seeds", seeds.default)))
            return self._send_json(job.to_dict())
        if path.startswith("/api/jobs/"):
            job_id, _, action = path.removeprefix("/api/jobs/").partition("/")
            job = self.server.jobs.get(job_id)
            if method == "POST" and action == "cancel":
                job.cancelled.set()
            elif action or method != "GET":
                raise KeyError(path)
            return self._send_json(job.to_dict())
        raise KeyError(path)

    def _view(self, method: str, query: dict[str, str]) -> None:
        view, values = _view_values(query)
        if method == "POST":
            values["csv"] = self._body()
        figure = view.draw(values)
        if query.get("format", "json") == "csv":
            return self._send(figure.to_csv().encode(), "text/csv; charset=utf-8",
                              {"Content-Disposition":
                               f'attachment; filename="modelcollapse-{view.name}.csv"'})
        if query.get("format", "json") != "json":
            raise ValueError(f"format must be json or csv, got {query['format']!r}")
        return self._send_json(figure.to_dict())

    def _body(self) -> str:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            raise ValueError("Content-Length must be a whole number") from None
        if length < 0:  # read(-1) would wait for the client to close the connection
            raise ValueError(f"Content-Length must be >= 0, got {length}")
        if length > params.MAX_UPLOAD_BYTES:
            raise ValueError(f"csv: the file is {length / 2**20:.1f} MiB; the explorer takes "
                             f"at most {params.MAX_UPLOAD_BYTES / 2**20:g} MiB")
        try:
            return self.rfile.read(length).decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("csv: the file is not UTF-8 text") from None

    def _send_static(self, name: str) -> None:
        body, kind = static_file(name)
        self._send(body, f"{kind}; charset=utf-8",
                   {"Cache-Control": "max-age=86400" if name == "plotly.min.js" else "no-cache"})

    def _send_json(self, data: Any, status: HTTPStatus = HTTPStatus.OK) -> None:
        self._send(json.dumps(data, allow_nan=False).encode(), "application/json", {}, status)

    def _send(self, body: bytes, kind: str, headers: dict[str, str],
              status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


def _view_values(query: dict[str, str]) -> tuple[View, dict[str, Any]]:
    name = query.get("view", "")
    if name not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, got {name!r}")
    view = VIEWS[name]
    return view, view.values({k: v for k, v in query.items() if k not in CONTROL_KEYS})


@cache
def static_file(name: str) -> tuple[bytes, str]:
    """A file the page loads: its bytes and content type (KeyError if there is none)."""
    if name == "plotly.min.js":
        return plotly_js(), "text/javascript"
    if name not in STATIC:
        raise KeyError(f"/static/{name}")
    return (resources.files(__package__) / "static" / name).read_bytes(), STATIC[name]


def plotly_js() -> bytes:
    """Plotly's JavaScript bundled in the ``plotly`` wheel (a ValueError naming the extra if
    it is not installed)."""
    try:
        return (resources.files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        raise ValueError("explore: needs plotly, which is not installed; install the "
                         "[explore] extra: pip install 'modelcollapse[explore]'") from None


def caps() -> dict[str, float]:
    """What one request may ask for (see :mod:`.params`)."""
    return {"points per curve": params.MAX_POINTS, "values per list": params.MAX_CURVES,
            "d (theory)": params.MAX_D, "d (simulation)": params.MAX_SIM_D,
            "simulated points per curve": params.MAX_SIM_POINTS, "seeds": params.MAX_SEEDS,
            "generations": params.MAX_GENERATIONS, "rows per block": params.MAX_ROWS,
            "simulated T": params.MAX_SIM_T, "upload bytes": params.MAX_UPLOAD_BYTES,
            "bootstrap replicates": params.MAX_BOOTSTRAP}


def make_server(host: str = "127.0.0.1", port: int = 8050) -> ExplorerServer:
    """The explorer's server bound to ``host``:``port`` (0: any free port), not yet serving."""
    plotly_js()  # fail now, with the extra to install, rather than on the first page load
    return ExplorerServer(host, port)
