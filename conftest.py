"""Fixtures shared by every app's tests."""

import os
import shutil

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

# Playwright's sync API runs an event loop in the test thread; the live server is in another thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


@pytest.fixture
def officer(db, django_user_model):
    """A superuser officer, for pages every officer can reach."""
    return django_user_model.objects.create_superuser("officer", "officer@example.org", "not-a-real-password")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def real_plan(real_plan_for_module, db):
    """The real plan from the source documents, with the illustrative values so pages have figures.

    Loaded once per test module (see `real_plan_for_module`); what a test changes is rolled back
    after it. The tests of a module that do not ask for the plan run before those that do.
    """


@pytest.fixture
def committed_plan(transactional_db):
    """The real plan committed to the database, for tests whose live server reads it from another thread."""
    call_command("loadplan", illustrative=True, verbosity=0)


@pytest.fixture(scope="module")
def real_plan_for_module(django_db_setup, django_db_blocker):
    """The real plan loaded once for a whole module of tests, in a transaction rolled back after it.

    Each test still runs in its own transaction inside this one (pytest-django's `db`), so what a
    test adds is gone before the next. Loading the plan for each test made the suite slow.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        call_command("loadplan", illustrative=True, verbosity=0)
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: no throttle counts or cached pages left by another."""
    cache.clear()


# ---- browser tests ------------------------------------------------------------------------------


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Order the tests, then skip the browser tests on a machine without Chromium (never in CI)."""
    plan_last_in_each_module(items)
    skip_browser_tests_without_chromium(items)


def plan_last_in_each_module(items):
    """In each module's run of tests (after pytest-django's own ordering), those without the real plan first.

    The plan is loaded for a module's first test that asks for it and stays until the module ends, so
    a test that wants an empty database must run before then.
    """
    runs, previous = [], None
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = bool(marker and marker.kwargs.get("transaction"))
        transactional = transactional or bool({"live_server", "transactional_db"} & set(item.fixturenames))
        if "real_plan" in item.fixturenames and transactional:
            raise pytest.UsageError(
                f"{item.nodeid}: a live server cannot see real_plan, which is never committed; use committed_plan"
            )
        if item.module is not previous:
            runs.append([])
            previous = item.module
        runs[-1].append(item)
    wants_plan = lambda item: "real_plan_for_module" in item.fixturenames  # noqa: E731
    items[:] = [item for run in runs for item in sorted(run, key=wants_plan)]


def skip_browser_tests_without_chromium(items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI must run the browser tests, but there is no Chromium at {CHROMIUM}.")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (install Debian's chromium package)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def assert_accessible(page, live_server):
    """Open a path on the live server in real Chromium and check it with axe against WCAG 2.2 AA."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(path):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        results = axe.run(page, options=WCAG_22_AA)
        assert results.violations_count == 0, f"{path}:\n{results.generate_report()}"
        return page

    return check
