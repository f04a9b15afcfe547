"""Debian's Chromium for the browser tests (Playwright cannot download its own browser here).

``make test`` installs it (scripts/system_deps.sh). Missing, it fails the tests in CI and
skips them locally with the command that installs it.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> str:
    """The browser's path; a failure in CI, a skip elsewhere, when it is not installed."""
    if not os.access(CHROMIUM, os.X_OK):
        hint = f"{CHROMIUM} is missing: install it with `sudo apt-get install -y chromium` (see scripts/system_deps.sh)"
        if os.environ.get("CI"):
            pytest.fail(hint)
        pytest.skip(hint)
    return CHROMIUM


@contextmanager
def headless_chromium() -> Iterator[Browser]:
    """Chromium, headless, closed on exit."""
    path = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
