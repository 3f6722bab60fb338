"""A local HTTP server for the feed tests and benchmark: 127.0.0.1, a free port, a thread; every request logged."""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]


@dataclass
class Document:
    """A static answer honouring conditional GET: an ETag (unless `etag` is off) and a Last-Modified."""

    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: bool = True
    modified: str = ""
    gzip: bool = False

    @property
    def etag_value(self) -> str:
        return f'"{hashlib.sha1(self.body).hexdigest()[:16]}"'


class FeedServer:
    """Routes path → Document or a function of the handler; `log` holds every request (path, headers).

    Use as a context manager: `with FeedServer() as server: server.put("/a.rss", data); server.url("/a.rss")`.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Document | Callable[[BaseHTTPRequestHandler], None]] = {}
        self.log: list[Request] = []
        self.released = threading.Event()
        """Set when the server stops: a stalling route then gives up its thread."""
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 — the name http.server calls
                path = self.path.split("?", 1)[0]
                with server._lock:
                    server.log.append(Request(path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(path)
                if route is None:
                    self.send_error(404, "Not Found")
                elif isinstance(route, Document):
                    server._answer(self, route)
                else:
                    route(self)

            def log_message(self, format, *args) -> None:  # noqa: A002 — quiet: the tests read `log`
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, body: bytes | str, **options) -> Document:
        """Serve `body` at `path` from now on (a new body: a new ETag and Last-Modified, as a changed feed has)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        previous = self.routes.get(path)
        stamp = time.time()
        if isinstance(previous, Document) and previous.modified and previous.body != data:
            stamp = max(stamp, _parse(previous.modified) + 1)  # a later second, even within this one
        doc = Document(data, modified=formatdate(stamp, usegmt=True), **options)
        self.routes[path] = doc
        return doc

    def requests(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.log if r.path == path]

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, doc: Document) -> None:
        tag = doc.etag_value
        if (doc.etag and handler.headers.get("If-None-Match") == tag) or (
                handler.headers.get("If-Modified-Since") == doc.modified and not (
                    doc.etag and handler.headers.get("If-None-Match"))):
            handler.send_response(304)
            if doc.etag:
                handler.send_header("ETag", tag)
            handler.end_headers()
            return
        body = doc.body
        zipped = doc.gzip and "gzip" in (handler.headers.get("Accept-Encoding") or "")
        if zipped:
            body = gzip.compress(body)
        handler.send_response(200)
        handler.send_header("Content-Type", doc.content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Last-Modified", doc.modified)
        if doc.etag:
            handler.send_header("ETag", tag)
        if zipped:
            handler.send_header("Content-Encoding", "gzip")
        handler.end_headers()
        handler.wfile.write(body)

    # --- misbehaving routes -------------------------------------------------------------------------
    def stall(self, path: str, seconds: float = 60.0) -> None:
        """A server that accepts and never answers (until `seconds` pass or the server stops)."""
        self.routes[path] = lambda handler: self.released.wait(seconds)

    def status(self, path: str, code: int) -> None:
        self.routes[path] = lambda handler: handler.send_error(code)

    def redirect(self, path: str, location: str) -> None:
        def answer(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(302)
            handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.routes[path] = answer

    def endless(self, path: str, chunk: bytes = b"<rss>" + b" " * 65531) -> None:
        """A body with no Content-Length that never ends (until the client hangs up or the server stops)."""
        def answer(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/rss+xml")
            handler.end_headers()
            try:
                while not self.released.is_set():
                    handler.wfile.write(chunk)
            except OSError:
                pass

        self.routes[path] = answer


def _parse(stamp: str) -> float:
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(stamp).timestamp()
