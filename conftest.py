"""Shared pytest fixtures. App-specific fixtures live in each app's tests/conftest.py."""

import os

# Playwright's sync API runs an event loop; Django refuses sync DB calls there unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
