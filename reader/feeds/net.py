"""One HTTP(S) GET for the feed fetcher: conditional, bounded in time and size, http and https only."""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from reader import __version__
from reader.textsafe import inert

USER_AGENT = f"wire-reader/{__version__} (terminal news reader; feed fetcher)"
TIMEOUT = 15.0
"""Seconds a connect or any one read may take (`WIRE_FEED_TIMEOUT` overrides it: tests, slow links)."""
DEADLINE_FACTOR = 4
"""A whole response must arrive within this many TIMEOUTs: a server trickling a byte a second is cut off."""
FEED_CAP = 10 * 1024 * 1024
"""Bytes of a feed read at most (after gunzip): a feed larger than this is refused, not read in part."""
PAGE_CAP = 5 * 1024 * 1024
"""Bytes of an item's page read at most, for its full text."""
MAX_REDIRECTS = 5
SCHEMES = ("http", "https")
_CHUNK = 64 * 1024


class FetchError(Exception):
    """The request failed; the message is one line for the user ("HTTP 404 Not Found", "timed out after 15 s")."""


@dataclass(frozen=True)
class Response:
    """What came back: the body (None for 304 Not Modified) and the validators for the next request."""

    body: bytes | None
    etag: str | None = None
    modified: str | None = None
    url: str = ""
    """The address finally read, after redirects."""


def timeout() -> float:
    """TIMEOUT, or the positive number of seconds in `WIRE_FEED_TIMEOUT`."""
    try:
        value = float(os.environ.get("WIRE_FEED_TIMEOUT", ""))
    except ValueError:
        return TIMEOUT
    return value if 0 < value < 3600 else TIMEOUT


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Redirects followed MAX_REDIRECTS times at most, and only to http(s): urllib's own handler also follows
    ftp, and a redirect to file:// must never read a local file. Its refusals become one-line FetchErrors."""

    def http_error_302(self, req, fp, code, msg, headers):
        target = urljoin(req.full_url, headers.get("Location") or headers.get("URI") or "")
        scheme = urlsplit(target).scheme.lower()
        if scheme not in SCHEMES:
            raise FetchError(f"redirected to a {inert(scheme[:20]) or 'non-http'}: address, refused (http and "
                             "https only)")
        visited = getattr(req, "redirect_dict", {})
        if len(visited) >= MAX_REDIRECTS or target in visited:
            raise FetchError(f"redirected in a loop or more than {MAX_REDIRECTS} times")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


_TLS: list[ssl.SSLContext] = []
_TLS_LOCK = threading.Lock()


def _tls() -> ssl.SSLContext:
    """One verifying TLS context for every request: making one reads the system's certificates (20-50 ms),
    which per request was most of a no-change fetch's time. An SSLContext may be shared by threads."""
    with _TLS_LOCK:
        if not _TLS:
            _TLS.append(ssl.create_default_context())
        return _TLS[0]


def _opener() -> urllib.request.OpenerDirector:
    # Built by hand, not build_opener(): no file:, ftp: or data: handler exists to be reached at all. One per
    # request: the redirect handler's loop check lives on the request, but nothing is shared across threads.
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(),
                    urllib.request.HTTPSHandler(context=_tls()), _Redirects(),
                    urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def get(url: str, etag: str | None = None, modified: str | None = None, cap: int = FEED_CAP,
        should_stop: Callable[[], bool] | None = None, seconds: float | None = None) -> Response:
    """GET `url`, with If-None-Match / If-Modified-Since when validators are given (a 304 gives body None).

    Raises:
        FetchError: not http(s), unreachable, refused, timed out, an HTTP error, over `cap` bytes, stopped.
    """
    if urlsplit(url).scheme.lower() not in SCHEMES:
        raise FetchError("not an http or https address")
    seconds = seconds or timeout()
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip",
               "Accept": "application/rss+xml, application/atom+xml, application/xml, text/xml, text/html, */*"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with _opener().open(request, timeout=seconds) as reply:
            body = _read(reply, cap, time.monotonic() + seconds * DEADLINE_FACTOR, should_stop, seconds)
            return Response(body, reply.headers.get("ETag"), reply.headers.get("Last-Modified"), reply.geturl())
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Response(None, exc.headers.get("ETag") or etag, exc.headers.get("Last-Modified") or modified, url)
        raise FetchError(f"HTTP {exc.code} {exc.reason}" if exc.reason else f"HTTP {exc.code}") from None
    except FetchError:
        raise
    except urllib.error.URLError as exc:
        raise FetchError(_reason(exc.reason, seconds)) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise FetchError(_reason(exc, seconds)) from None


def _read(reply, cap: int, deadline: float, should_stop, seconds: float) -> bytes:
    """The body in chunks: stopped past `cap` (after gunzip, so a gzip bomb stops too), the deadline or a stop."""
    declared = reply.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise FetchError(f"too large ({int(declared):,} bytes; at most {cap:,})")
    gzipped = (reply.headers.get("Content-Encoding") or "").strip().lower() in ("gzip", "x-gzip")
    unpack = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
    parts, size = [], 0
    while True:
        if should_stop is not None and should_stop():
            raise FetchError("stopped")
        if time.monotonic() > deadline:
            raise FetchError(f"too slow (not whole after {seconds * DEADLINE_FACTOR:g} s)")
        chunk = reply.read1(_CHUNK) if hasattr(reply, "read1") else reply.read(_CHUNK)
        if not chunk:
            break
        if unpack is not None:
            try:
                chunk = unpack.decompress(chunk, cap + 1 - size)
            except zlib.error as exc:
                raise FetchError(f"bad gzip data ({exc})") from None
        size += len(chunk)
        if size > cap:
            raise FetchError(f"too large (over {cap:,} bytes)")
        parts.append(chunk)
    return b"".join(parts)


def _reason(exc: object, seconds: float) -> str:
    """A network failure in the words a user knows."""
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"timed out after {seconds:g} s"
    if isinstance(exc, socket.gaierror):
        return "host not found (DNS)"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({exc.verify_message or exc})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({exc.reason or exc})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the server"
    if isinstance(exc, http.client.RemoteDisconnected | http.client.IncompleteRead):
        return "the server closed the connection before answering in full"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).splitlines()[0][:120] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
