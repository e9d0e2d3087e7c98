"""Fixtures shared by every app's tests."""

import os
import shutil

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import setup_databases

from core.tests.factories import OfficerFactory

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
def officer(db):
    """A superuser officer, for pages every officer can reach."""
    return OfficerFactory(username="officer")


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
    """Check and order the tests, then skip the browser tests on a machine without Chromium (never in CI)."""
    refuse_a_plan_the_test_cannot_see(items)
    plan_last_in_each_module(items)
    browser_tests_last(items)
    skip_browser_tests_without_chromium(items)


def refuse_a_plan_the_test_cannot_see(items):
    """Stop at collection a test that mixes the rolled-back plan, the committed plan and transactions.

    A live server reads the database from another thread: it never sees `real_plan`, which is rolled
    back, and on PostgreSQL it cannot see inside a test's transaction either. A transactional test
    flushes the database after it, which would empty the committed plan for the browser tests after it.
    """
    for item in items:
        names = set(item.fixturenames)
        marker = item.get_closest_marker("django_db")
        transactional = bool(marker and marker.kwargs.get("transaction"))
        transactional = transactional or bool({"live_server", "transactional_db"} & names)
        live = "committed_plan" in names or "browser" in item.keywords
        if "real_plan" in names and (transactional or live):
            raise pytest.UsageError(
                f"{item.nodeid}: a live server cannot see real_plan, which is never committed; use live_site"
            )
        if live and (marker or {"db", "transactional_db", "live_server"} & names):
            raise pytest.UsageError(
                f"{item.nodeid}: a browser test reads the committed plan outside any transaction; "
                "use live_site, and drop its django_db mark, db, transactional_db or live_server"
            )


def plan_last_in_each_module(items):
    """In each module's run of tests (after pytest-django's own ordering), those without the real plan first.

    The plan is loaded for a module's first test that asks for it and stays until the module ends, so
    a test that wants an empty database must run before then.
    """
    runs, previous = [], None
    for item in items:
        if item.module is not previous:
            runs.append([])
            previous = item.module
        runs[-1].append(item)
    wants_plan = lambda item: "real_plan_for_module" in item.fixturenames  # noqa: E731
    items[:] = [item for run in runs for item in sorted(run, key=wants_plan)]


def browser_tests_last(items):
    """The browser tests, and any other test on the committed plan, after every other test of the session.

    The plan they share is committed once, for all of them (`committed_plan`): no other test may find it.
    """
    on_the_live_site = lambda item: "browser" in item.keywords or "committed_plan" in item.fixturenames  # noqa: E731
    items.sort(key=on_the_live_site)


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
def committed_plan(request, django_db_setup, django_db_blocker):
    """The real plan committed to the test database once, for every test on the live site.

    Those tests run last (`browser_tests_last`), and the database is emptied after them, so that no
    other test finds the plan, now or in the next run on a reused database.
    """
    with django_db_blocker.unblock():
        if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
            # pytest-django sets up the test database only for the tests it sees using one (a django_db
            # mark, db, transactional_db or live_server), and a run of the browser tests alone has none:
            # without this, the plan would be loaded into, and flushed from, the developer's own database.
            setup_databases(
                verbosity=0, interactive=False, keepdb=not request.config.getvalue("create_db"), aliases={"default"}
            )
        load_the_plan_for_the_live_site()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def load_the_plan_for_the_live_site():
    """The real plan, its illustrative values, and test localities (the plan names none) to show figures by place."""
    from measures.tests.factories import add_test_localities  # models are not ready when conftest is imported

    call_command("loadplan", illustrative=True, verbosity=0)
    add_test_localities()


@pytest.fixture(scope="session")
def plan_server(committed_plan):
    """A live server in another thread, started once, serving the committed plan.

    Not pytest-django's `live_server`: a test that asks for that is made transactional, and the flush
    after it would empty the committed plan. With SQLite's in-memory database, the server shares the
    tests' connection.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def live_site(plan_server, django_db_blocker):
    """The live server with the committed plan; the test may read and change the database as well.

    A test that changes it (any row added or removed, or any change the history records) has the plan
    loaded afresh after it, so that the tests after it find the plan as loaded.
    """
    with django_db_blocker.unblock():
        before = row_counts()
        yield plan_server
        if row_counts() != before:
            call_command("flush", interactive=False, verbosity=0)
            load_the_plan_for_the_live_site()


def row_counts():
    """How many rows every table has, history included: a row added or removed shows, as does a saved change
    to any model that keeps a history (all but localities, users and Django's own)."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_site):
    """A new tab on the live site, closed while the site can still answer what the tab asks for."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def assert_accessible(page, live_site):
    """Check a page in real Chromium with axe against WCAG 2.2 AA, and return it.

    `assert_accessible(path)` opens a path on the live site and expects it to answer 200, or `status`;
    `assert_accessible()` checks the page where the test has got to (after a click, say).
    """
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(path=None, *, status=200):
        if path is not None:
            response = page.goto(f"{live_site.url}{path}")
            assert response.status == status, f"{path} answered {response.status}"
        results = axe.run(page, options=WCAG_22_AA)
        assert results.violations_count == 0, f"{page.url}:\n{results.generate_report()}"
        return page

    return check


@pytest.fixture
def localities(real_plan):
    """Four localities added to the real plan as test data, each with a 2023/24 figure for KPM-2.6.

    The plan names none of its "4 localities", so none are loaded. See `add_test_localities`.
    """
    from measures.tests.factories import add_test_localities  # models are not ready when conftest is imported

    return add_test_localities()
