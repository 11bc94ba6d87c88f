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


# Rows that data migrations install and the code relies on being there. A transactional test
# (django_db(transaction=True)) ends by flushing every table, taking these rows with it; they are
# put back after each such test so that later tests see the database as migrations left it.
DATA_MIGRATIONS = [
    "contract.migrations.0002_performance_targets",
    "evaluation.migrations.0002_default_rules",
]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield  # every fixture of the test is torn down by now, the database flush included
    marker = item.get_closest_marker("django_db")
    # nextitem None: the last test, whose teardown also dropped the test database.
    if nextitem is not None and marker and marker.kwargs.get("transaction"):
        import importlib

        from django.apps import apps
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            for module in DATA_MIGRATIONS:
                importlib.import_module(module).install(apps, None)
    return result


@pytest.fixture
def town(db):
    """geo.testing's small town: two communities of four unit grids each (RG01 west, area A;
    RG02 east, area B). Apps' conftests build on it."""
    from geo.testing import make_small_geography

    return make_small_geography()


@pytest.fixture
def people(town):
    """accounts.testing's people in the small town (some apps' conftests add more)."""
    from accounts.testing import make_people

    return make_people(town)


@pytest.fixture(autouse=True)
def fresh_catalogue_copy():
    """Each test starts without the process's copy of the catalogue (catalog.cache): the previous
    test's rows were rolled back, and so was the version row that would tell."""
    from catalog import cache

    cache.reset()
    yield


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts and ends in the default language (zh-hans). LocaleMiddleware leaves the
    language of the last request active in the thread, so a test that asked for English would
    otherwise make the domain messages of the next test on that worker English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
