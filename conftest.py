"""Shared pytest fixtures. App-specific fixtures live in each app's tests/conftest.py."""

import os

# Playwright's sync API runs an event loop; Django refuses sync DB calls there unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for the whole run: Playwright's sync API allows a single
    running instance per process, so every browser test shares this one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()
