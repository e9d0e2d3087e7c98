"""The public page cache (core/cache.py): a reader's second request costs no SQL, and no reader ever sees a
page older than the last officer's change, whatever way it was made. Two app instances sharing one cache
are tested in tests/test_production.py; here another instance is played by a second client of the cache."""

import socket
import time

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.admin_testing import admin_url, post_back
from core.cache import GENERATION, content_changed, local_copies
from governance.models import Body
from measures.models import Measure, ReportedValue
from tests.test_faults import UNREACHABLE_REDIS

KPM = "KPM-1.1"
# The page cache as production has it: our Redis backend (core/redis_cache.py), on a database of the machine's
# Redis that only these tests use (they empty it).
REDIS_FOR_TESTS = "redis://127.0.0.1:6379/14"
OUR_REDIS_BACKEND = "core.redis_cache.RedisCache"


@pytest.fixture
def reader():
    """A resident's browser: no session (pytest-django's `client` is the officer's in `officer_client`)."""
    return Client()


def measure_url(code=KPM):
    return Measure.objects.get(code=code).get_absolute_url()


def body(response):
    """The bytes a client receives, whether the response was streamed (a whole CSV) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def queries_for(client, url, **headers):
    """The response (read to the end, as a client does) and the SQL queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
        response.body = body(response)
    return response, len(queries)


def cached_addresses():
    """A page, an API list, a CSV and a feed: what readers fetch most."""
    return ["/", "/measures/", measure_url(), "/api/v1/measures/", "/measures/status.csv", "/meetings/feed/"]


def test_a_readers_second_request_is_served_from_the_cache_without_sql(client, real_plan):
    for url in cached_addresses():
        first, made = queries_for(client, url)
        again, cached = queries_for(client, url)
        assert first.status_code == again.status_code == 200, url
        assert made > 0 and cached == 0, url
        assert again.body == first.body, url
        assert again["Content-Type"] == first["Content-Type"], url


def test_an_officers_change_in_the_admin_is_on_every_page_at_once(reader, officer_client, real_plan):
    measure = Measure.objects.get(code=KPM)
    for url in cached_addresses():
        reader.get(url)
    change = admin_url(Measure, "change", measure.pk)
    form = officer_client.get(change)
    saved = officer_client.post(change, post_back(form, title="Total recorded crime (restated)"))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    for url in ("/measures/", measure_url(), "/api/v1/measures/", "/measures/status.csv"):
        assert "Total recorded crime (restated)" in body(reader.get(url)).decode(), url


def served_and_fresh(reader, url):
    """The page a reader is served now, and the same page made afresh from the database."""
    served = reader.get(url).content
    cache.clear()
    return served, reader.get(url).content


def test_a_delete_a_bulk_action_and_a_history_revert_each_reach_the_public_pages(reader, officer_client, real_plan):
    url = measure_url()
    before = reader.get(url).content
    value = ReportedValue.objects.filter(measure__code=KPM).order_by("-period_end").first()
    change = admin_url(ReportedValue, "change", value.pk)
    corrected = post_back(officer_client.get(change), value="4321", correction_reason="Restated by the police.")
    assert officer_client.post(change, corrected).status_code == 302
    served, fresh = served_and_fresh(reader, url)
    assert served == fresh != before  # a correction is not public until a second officer approves it
    before = served
    assert officer_client.post(admin_url(ReportedValue, "delete", value.pk), {"post": "yes"}).status_code == 302
    assert not ReportedValue.objects.filter(pk=value.pk).exists()
    served, fresh = served_and_fresh(reader, url)
    assert served == fresh

    body = Body.objects.get(name="Community Outcome Groups")
    before = reader.get("/governance/").content
    bulk = officer_client.post(
        admin_url(Body, "changelist"), {"action": "delete_selected", "_selected_action": [body.pk], "post": "yes"}
    )
    assert bulk.status_code == 302 and not Body.objects.filter(pk=body.pk).exists()
    served, fresh = served_and_fresh(reader, "/governance/")
    assert served == fresh != before and body.name.encode() not in served

    measure = Measure.objects.get(code=KPM)
    original = measure.title
    change = admin_url(Measure, "change", measure.pk)
    officer_client.post(change, post_back(officer_client.get(change), title="Renamed for a moment"))
    assert b"Renamed for a moment" in reader.get(url).content
    first = measure.history.order_by("history_id").first()
    revert_url = admin_url(Measure, "simple_history", measure.pk, first.history_id)
    revert = officer_client.post(revert_url, post_back(officer_client.get(revert_url)))
    assert revert.status_code == 302
    page = reader.get(url).content.decode()
    assert original in page and "Renamed for a moment" not in page


def test_a_correction_by_loadplan_is_seen_at_once(client, real_plan):
    measure = Measure.objects.get(code=KPM)
    Measure.objects.filter(pk=measure.pk).update(title="A slip in the database")
    content_changed()
    assert "A slip in the database" in client.get(measure_url()).content.decode()
    call_command("loadplan", illustrative=True, verbosity=0)  # puts the plan's words back
    page = client.get(measure_url()).content.decode()
    assert measure.title in page and "A slip in the database" not in page


def test_a_change_that_sends_no_signal_is_seen_once_it_says_so(client, real_plan):
    before = client.get("/api/v1/measures/").content
    Measure.objects.filter(code=KPM).update(title="Changed in bulk")
    assert client.get("/api/v1/measures/").content == before  # QuerySet.update() sends no signal...
    content_changed()  # ...so the code that calls it says what it changed
    assert "Changed in bulk" in client.get("/api/v1/measures/").content.decode()


def test_officers_always_get_their_page_made_afresh_and_never_a_readers_copy(reader, officer_client, real_plan):
    url = measure_url()
    reader.get(url)
    response, queries = queries_for(officer_client, url)
    assert response.status_code == 200 and queries > 0
    _, again = queries_for(officer_client, url)
    assert again > 0
    # An officer's page (it may show what only officers see) is never stored for readers.
    _, reader = queries_for(reader, url)
    assert reader == 0


def test_a_client_with_the_page_gets_304_by_etag_or_date_until_it_changes(client, real_plan):
    url = measure_url()
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    assert "no-cache" in first["Cache-Control"]  # a browser checks each time, so it never shows a stale page
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    measure = Measure.objects.get(code=KPM)
    measure.title = "A new title"
    measure.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "A new title" in changed.content.decode()
    assert changed["ETag"] != first["ETag"]


def test_a_streamed_download_is_kept_once_sent_unless_it_is_too_large(reader, real_plan, settings):
    first, made = queries_for(reader, "/measures/values.csv")
    again, cached = queries_for(reader, "/measures/values.csv")
    assert made > 0 and cached == 0 and again.body == first.body
    assert again["Content-Disposition"] == first["Content-Disposition"] and again["ETag"]
    assert reader.get("/measures/values.csv", HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304

    settings.PAGE_CACHE_MAX_BYTES = 100  # too large to keep: made and streamed every time
    first, _ = queries_for(reader, "/plans/actions.csv")
    again, queries = queries_for(reader, "/plans/actions.csv")
    assert queries > 0 and again.body == first.body


def test_compressed_and_plain_copies_are_kept_apart(client, real_plan):
    plain = client.get("/measures/")
    packed = client.get("/measures/", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert not client.get("/measures/").has_header("Content-Encoding")
    assert client.get("/measures/", HTTP_ACCEPT_ENCODING="gzip")["Content-Encoding"] == "gzip"


def test_pages_for_other_hosts_or_queries_are_kept_apart(client, real_plan, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example.org"]
    here = client.get("/robots.txt").content.decode()
    there = client.get("/robots.txt", HTTP_HOST="other.example.org").content.decode()
    assert "http://testserver/sitemap.xml" in here and "http://other.example.org/sitemap.xml" in there
    crime = client.get("/search/?q=crime").content
    assert client.get("/search/?q=fire").content != crime


@pytest.mark.parametrize("backend", ["django.core.cache.backends.redis.RedisCache", OUR_REDIS_BACKEND])
@pytest.mark.django_db
def test_with_the_cache_away_pages_are_made_afresh_and_a_change_is_still_seen(client, settings, backend):
    settings.CACHES = {"default": {**UNREACHABLE_REDIS["default"], "BACKEND": backend}}
    assert client.get("/").status_code == 200
    Body.objects.create(name="A body added while the cache was away", slug="added-while-away")
    assert "A body added while the cache was away" in client.get("/governance/").content.decode()
    assert Client().get("/readyz").json()["checks"]["cache"].startswith("degraded")


def another_instances_change(title):
    """What an officer's change through another app instance leaves here: the data changed in the database
    (by a process whose signals this one never hears) and the token replaced in the shared cache."""
    Measure.objects.filter(code=KPM).update(title=title)
    caches.create_connection("default").set(GENERATION, f"{time.time():.6f}:another-instance", None)


def test_a_change_through_another_instance_is_seen_at_once_though_this_one_has_the_pages(reader, real_plan):
    urls = ["/measures/", measure_url(), "/api/v1/measures/", "/measures/status.csv"]
    for url in urls:
        queries_for(reader, url)
        assert queries_for(reader, url)[1] == 0, url  # served from this process's own copy
    another_instances_change("Total recorded crime (changed elsewhere)")
    for url in urls:
        response, queries = queries_for(reader, url)
        assert queries > 0, url
        assert "Total recorded crime (changed elsewhere)" in response.body.decode(), url


def test_a_page_another_instance_made_is_served_from_the_shared_cache(reader, real_plan):
    for url in cached_addresses():
        first, made = queries_for(reader, url)
        local_copies.clear()  # only the shared cache has it now, as for another instance, or after a restart
        again, cached = queries_for(reader, url)
        assert made > 0 and cached == 0, url
        assert again.body == first.body and again.items() == first.items(), url
        assert queries_for(reader, url)[1] == 0, url


def test_each_process_keeps_no_more_than_its_budget_of_pages_and_serves_the_rest_from_the_shared_cache(
    reader, real_plan, settings
):
    settings.PAGE_CACHE_LOCAL_BYTES = 30_000
    urls = ["/", "/plans/", "/governance/", "/meetings/", "/measures/", measure_url(), "/api/v1/measures/"]
    first = {url: queries_for(reader, url)[0].body for url in urls}
    assert sum(map(len, first.values())) > 2 * settings.PAGE_CACHE_LOCAL_BYTES
    for url in urls:
        again, queries = queries_for(reader, url)
        assert queries == 0 and again.body == first[url], url
        assert 0 < local_copies.bytes <= settings.PAGE_CACHE_LOCAL_BYTES

    settings.PAGE_CACHE_LOCAL_BYTES = 0  # none kept: every page from the shared cache
    local_copies.clear()
    for url in urls:
        again, queries = queries_for(reader, url)
        assert queries == 0 and again.body == first[url], url
    assert local_copies.bytes == 0


def test_each_request_is_answered_with_a_response_of_its_own(reader, real_plan):
    """The open data allows any origin: a request from a web page gets the CORS header, one without an
    Origin does not, though both are served from the same stored copy."""
    url = "/api/v1/measures/"
    reader.get(url)
    assert reader.get(url, HTTP_ORIGIN="https://example.org")["Access-Control-Allow-Origin"] == "*"
    assert not reader.get(url).has_header("Access-Control-Allow-Origin")


def redis_is_running():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def shared_redis(settings):
    """The page cache on Redis through our backend, as in production (skipped on a machine without Redis)."""
    if not redis_is_running():
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": OUR_REDIS_BACKEND, "LOCATION": REDIS_FOR_TESTS}}
    cache.clear()
    yield cache
    cache.clear()


def close_this_processs_redis_connections():
    """What a Redis restart, or its idle timeout, does to the connections the app has open."""
    import redis

    admin = redis.Redis.from_url(REDIS_FOR_TESTS)
    own = admin.client_id()
    for client in admin.client_list():
        if client["db"] == REDIS_FOR_TESTS.rsplit("/", 1)[1] and int(client["id"]) != own:
            admin.client_kill_filter(_id=client["id"])
    admin.close()


def test_on_redis_a_change_through_another_instance_is_seen_at_once_and_a_closed_connection_is_no_error(
    reader, real_plan, shared_redis
):
    url = measure_url()
    first, made = queries_for(reader, url)
    again, cached = queries_for(reader, url)
    assert made > 0 and cached == 0 and again.body == first.body

    another_instances_change("Total recorded crime (changed elsewhere)")
    changed, queries = queries_for(reader, url)
    assert queries > 0 and "Total recorded crime (changed elsewhere)" in changed.body.decode()

    close_this_processs_redis_connections()
    served, queries = queries_for(reader, url)
    assert served.status_code == 200 and queries == 0 and served.body == changed.body

    measure = Measure.objects.get(code=KPM)
    measure.title = "Total recorded crime (changed here)"
    measure.save()
    assert "Total recorded crime (changed here)" in queries_for(reader, url)[0].body.decode()
