"""bot/widget/server.py: the demo page and the widget script, and nothing else.

The HTTP tests use the server that scripts/run_servers.sh started (WEB_PORT); the
others call the module directly.
"""
from __future__ import annotations

import base64
import hashlib
import re
import urllib.error
import urllib.request
from typing import Dict, Tuple

import pytest

from bot.widget import server as widget_server


def fetch(url: str, method: str = "GET") -> Tuple[int, Dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_demo_page_has_the_bot_url_and_a_strict_content_security_policy(widget_servers):
    status, headers, body = fetch(widget_servers.web_url + "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["X-Content-Type-Options"] == "nosniff"
    page = body.decode()
    socket_url = f"http://localhost:{widget_servers.rasa_port}"
    assert f'RengoChat.init({{ socketUrl: "{socket_url}" }});' in page
    assert '<script src="/rengo-chat.js"></script>' in page
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert f"connect-src {socket_url} ws://localhost:{widget_servers.rasa_port}" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    # The page's one inline script is allowed by its hash, and nothing else inline is.
    (inline,) = re.findall(r"<script>(.*?)</script>", page, re.S)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy


def test_widget_script_is_served_as_javascript(widget_servers):
    status, headers, body = fetch(widget_servers.web_url + "/rengo-chat.js")
    assert status == 200
    assert headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert body == widget_server.SCRIPT.read_bytes()
    assert b"window.RengoChat" in body
    status, _, _ = fetch(widget_servers.web_url + "/rengo-chat.js?v=0.1.0")
    assert status == 200  # cache-busting query strings are fine


def test_widget_script_stays_within_its_size_budget():
    # socket.io-client is about 40 KB of it; the widget itself, with both languages, the rest.
    # A union page loads it on every visit: grow it only for something visitors need.
    assert widget_server.SCRIPT.stat().st_size <= 72 * 1024


@pytest.mark.parametrize(
    "path",
    [
        "/index.html",
        "/demo/index.html",
        "/dist/rengo-chat.js",
        "/server.py",
        "/../server.py",
        "/%2e%2e/server.py",
        "/rengo-chat.js/../../server.py",
        "/src/",
        "//etc/passwd",
    ],
)
def test_anything_else_is_not_found(widget_servers, path):
    status, headers, body = fetch(widget_servers.web_url + path)
    assert status == 404
    assert body == b"not found\n"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_only_get_and_head_are_allowed(widget_servers):
    status, headers, _ = fetch(widget_servers.web_url + "/", method="POST")
    assert status == 405
    assert headers["Allow"] == "GET, HEAD"
    status, headers, body = fetch(widget_servers.web_url + "/rengo-chat.js", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 10_000


def test_socket_url_cannot_break_out_of_the_script():
    template = widget_server.DEMO_PAGE.read_text(encoding="utf-8")
    asset = widget_server.demo_page(template, 'https://bot.example.org/"</script><script>alert(1)//')
    page = asset.body.decode()
    assert "</script><script>alert(1)" not in page
    assert '"https://bot.example.org/\\"\\u003c/script>\\u003cscript>alert(1)//"' in page
    policy = dict(asset.headers)["Content-Security-Policy"]
    assert "connect-src https://bot.example.org wss://bot.example.org" in policy


def test_socket_url_must_be_http():
    template = widget_server.DEMO_PAGE.read_text(encoding="utf-8")
    for url in ("javascript:alert(1)", "localhost:5005", "ftp://bot.example.org"):
        with pytest.raises(widget_server.SetupError):
            widget_server.demo_page(template, url)


def test_without_the_built_script_the_server_says_how_to_build_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(widget_server, "SCRIPT", tmp_path / "dist" / "rengo-chat.js")
    assert widget_server.main(["--port", "0", "--socket-url", "http://localhost:5005"]) == 1
    assert "run scripts/build_widget.sh" in capsys.readouterr().err
