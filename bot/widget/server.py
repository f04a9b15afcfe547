"""Serve the chat widget's demo page and script for local use and end-to-end tests.

    python -m bot.widget.server --port 8000 --socket-url http://localhost:5005

(or WEB_PORT / WIDGET_SOCKET_URL in the environment). Two routes only: ``/``, the demo
union page with the bot's socket URL filled in, and ``/rengo-chat.js``, the bundle from
``bot/widget/dist`` (build it with ``scripts/build_widget.sh``). Everything else is a 404,
so there is no directory listing and no path to traverse.

A real union site serves ``rengo-chat.js`` from its own web server or CDN
(docs/widget.md); this server exists so the widget can be tried and tested against a
running bot without one. The standard library is enough for that.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence, Tuple
from urllib.parse import urlsplit

WIDGET_DIR = Path(__file__).resolve().parent
DEMO_PAGE = WIDGET_DIR / "demo" / "index.html"
SCRIPT = WIDGET_DIR / "dist" / "rengo-chat.js"
SOCKET_URL_PLACEHOLDER = "{{SOCKET_URL}}"
DEFAULT_PORT = 8000
DEFAULT_SOCKET_URL = "http://localhost:5005"

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_INLINE_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


class SetupError(RuntimeError):
    """The server cannot start: say what to do instead of a traceback."""


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    headers: Tuple[Tuple[str, str], ...] = ()

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


def socket_origin(socket_url: str) -> str:
    """The bot's origin (scheme://host[:port]); refuses anything but http(s)."""
    parts = urlsplit(socket_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SetupError(f"--socket-url must be an http(s) URL, got {socket_url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def demo_page(template: str, socket_url: str) -> Asset:
    """The demo page with the socket URL filled in, and a CSP that allows exactly it.

    The page's one inline script (the ``RengoChat.init`` call a real page would have) and
    its inline stylesheet are allowed by hash, so nothing else inline can run.
    """
    origin = socket_origin(socket_url)
    # A JSON string is a JavaScript string; escaping "<" keeps "</script>" out of it.
    literal = json.dumps(socket_url).replace("<", "\\u003c")
    html = template.replace(f'"{SOCKET_URL_PLACEHOLDER}"', literal)
    websocket_origin = "ws" + origin[len("http"):]  # http→ws, https→wss
    scripts = " ".join(_csp_hash(s) for s in _INLINE_SCRIPT.findall(html))
    styles = " ".join(_csp_hash(s) for s in _INLINE_STYLE.findall(html))
    policy = "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' {scripts}".strip(),
            f"style-src 'self' {styles}".strip(),
            "img-src 'self' data:",
            f"connect-src {origin} {websocket_origin}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )
    return Asset(
        html.encode("utf-8"),
        "text/html; charset=utf-8",
        (("Content-Security-Policy", policy), ("Referrer-Policy", "no-referrer")),
    )


def script_asset() -> Asset:
    return Asset(
        SCRIPT.read_bytes(),
        "text/javascript; charset=utf-8",
        # Union pages on other origins load it with a plain <script src>.
        (("Cross-Origin-Resource-Policy", "cross-origin"),),
    )


def make_handler(routes: Dict[str, Callable[[], Asset]]) -> type:
    class WidgetHandler(BaseHTTPRequestHandler):
        def version_string(self) -> str:
            return "rengo-widget"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._serve(include_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._serve(include_body=False)

        def _serve(self, include_body: bool) -> None:
            # The request target as sent, minus any query: only exact matches are served.
            path = self.path.split("?", 1)[0]
            route = routes.get(path)
            if route is None:
                self._plain(HTTPStatus.NOT_FOUND, "not found\n", include_body)
                return
            try:
                asset = route()
            except OSError as error:
                self.log_error("cannot read %s: %s", path, error)
                self._plain(HTTPStatus.SERVICE_UNAVAILABLE, "not built yet\n", include_body)
                return
            if self.headers.get("If-None-Match") == asset.etag:
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self._common_headers(asset.etag)
                self.end_headers()
                return
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", asset.content_type)
            self.send_header("Content-Length", str(len(asset.body)))
            self._common_headers(asset.etag)
            for name, value in asset.headers:
                self.send_header(name, value)
            self.end_headers()
            if include_body:
                self.wfile.write(asset.body)

        def _common_headers(self, etag: Optional[str] = None) -> None:
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-cache")
            if etag:
                self.send_header("ETag", etag)

        def _plain(self, status: HTTPStatus, text: str, include_body: bool) -> None:
            body = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Security-Policy", "default-src 'none'")
            self.end_headers()
            if include_body:
                self.wfile.write(body)

        def _refuse(self) -> None:
            body = b"method not allowed\n"
            self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
            self.send_header("Allow", "GET, HEAD")
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse  # noqa: N815

    return WidgetHandler


def build_server(host: str, port: int, socket_url: str) -> ThreadingHTTPServer:
    """A server for the demo page and the script; SetupError if the widget is not built."""
    if not SCRIPT.is_file():
        raise SetupError(f"{SCRIPT} is missing: run scripts/build_widget.sh")
    page = demo_page(DEMO_PAGE.read_text(encoding="utf-8"), socket_url)
    routes: Dict[str, Callable[[], Asset]] = {
        "/": lambda: page,
        # Read on each request, so a rebuilt widget is served without a restart.
        "/rengo-chat.js": script_asset,
    }
    server = ThreadingHTTPServer((host, port), make_handler(routes))
    server.daemon_threads = True
    return server


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=os.environ.get("WEB_HOST", "127.0.0.1"),
                        help="interface to listen on (env WEB_HOST, default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=os.environ.get("WEB_PORT") or str(DEFAULT_PORT),
                        help=f"port (env WEB_PORT, default {DEFAULT_PORT})")
    parser.add_argument("--socket-url", default=os.environ.get("WIDGET_SOCKET_URL", DEFAULT_SOCKET_URL),
                        help=f"the Rasa server as the browser reaches it (env WIDGET_SOCKET_URL, "
                             f"default {DEFAULT_SOCKET_URL})")
    args = parser.parse_args(argv)
    try:
        server = build_server(args.host, args.port, args.socket_url)
    except (SetupError, OSError) as error:
        print(f"bot.widget.server: {error}", file=sys.stderr)
        return 1
    print(f"==> widget demo page: http://{args.host}:{args.port}/ (bot at {args.socket_url})",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
