"""Faults and bad input: never a 500. A database away gives a clean 503, a cache away changes nothing a
reader sees, and malformed addresses get a 400 or a 404."""

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.testing import body
from kcpp.sitemaps import SITEMAPS

ROOT = Path(__file__).resolve().parents[1]
UNREACHABLE_DATABASE = "postgres://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1
UNREACHABLE_REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def with_the_database_away(code):
    """Run `code` in a process of its own whose database is a real PostgreSQL address nobody answers."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment |= {"DJANGO_SETTINGS_MODULE": "kcpp.settings_test", "DATABASE_URL": UNREACHABLE_DATABASE}
    setup = (
        "import django; django.setup(); from django.test import Client; client = Client(raise_request_exception=False);"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", setup + code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_while_the_database_is_away_pages_say_sorry_and_the_api_answers_json_both_503():
    result = with_the_database_away(
        "page = client.get('/plans/');"
        "api = client.get('/api/v1/measures/');"
        "print(page.status_code, page['Retry-After'], 'Sorry, there is a problem with the service' in page.text);"
        "print(api.status_code, api['Retry-After'], api.json()['detail'])"
    )
    page, api = result.stdout.splitlines()[:2]
    assert page == "503 10 True", result.stderr
    assert api == "503 10 The service is unavailable for a moment. Try again in a few seconds.", result.stderr


@pytest.mark.django_db
def test_with_the_cache_away_the_api_still_answers_and_readiness_says_degraded(client, settings):
    settings.CACHES = UNREACHABLE_REDIS
    response = client.get("/api/v1/measures/")
    assert response.status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["checks"]["cache"].startswith("degraded: ")
    assert client.get("/").status_code == 200


def one_address_of_each_kind():
    """An address of every kind the sitemap lists (the real plan's), and the API's and downloads'."""
    addresses = {}
    for sitemap in SITEMAPS.values():
        sitemap = sitemap() if isinstance(sitemap, type) else sitemap
        for item in sitemap.items():
            path = sitemap.location(item)
            kind = path.rstrip("/").rsplit("/", 1)[0] if path.count("/") > 2 else path
            addresses.setdefault(kind, path)
    return [
        *sorted(addresses.values()),
        "/api/v1/",
        "/api/v1/measures/",
        "/api/v1/meetings/",
        "/api/v1/values/",
        "/measures/status.csv",
        "/measures/values.csv",
        "/plans/actions.csv",
        "/search/",
        "/meetings/feed/",
    ]


@pytest.mark.django_db
def test_no_malformed_address_or_query_is_ever_a_500(client, real_plan):
    addresses = one_address_of_each_kind()
    assert len(addresses) > 15
    bad = []
    for address in addresses:
        for variant in [
            f"{address}?q=a%00b",
            f"{address}?page=%00",
            f"{address}?%00=1",
            f"{address}?q=%ff%fe",
            f"{address}?q={'crime' * 20000}",
            f"{address}%00/",
            f"{address}%ff%fe/",
            f"{address}\x01/",
        ]:
            response = client.get(variant)
            if response.status_code >= 500:
                bad.append(f"{variant[:80]}: {response.status_code}")
            if "%00/" in variant or "\x01" in variant:
                assert response.status_code == 400, variant[:80]  # a control character in the path
    assert bad == []


@pytest.mark.django_db
def test_a_null_byte_gets_a_clear_message_on_a_page_and_in_the_api(client):
    page = client.get("/measures/%00/")
    assert page.status_code == 400
    assert "The web address is not valid" in page.content.decode()
    api = client.get("/api/v1/measures/%00/")
    assert api.status_code == 400
    assert "null byte" in api.json()["detail"]


@pytest.mark.django_db
def test_a_search_for_a_null_byte_says_what_to_change(client):
    response = client.get("/search/?q=a%00b")
    assert response.status_code == 400
    assert "remove the characters that cannot be typed" in response.content.decode()


# ---- officers' accounts -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account_until_an_administrator_unlocks_it(client):
    from axes.utils import reset

    from core.tests.factories import OfficerFactory

    officer = OfficerFactory(username="amira", password="the-right-password-1")  # noqa: S106 - a test account
    for _ in range(4):
        response = client.post("/admin/login/", {"username": "amira", "password": "a-wrong-guess"})
        assert response.status_code == 200  # the form again, saying the password is wrong
    fifth = client.post("/admin/login/", {"username": "amira", "password": "a-wrong-guess"})
    assert fifth.status_code == 429
    locked = client.post("/admin/login/", {"username": "amira", "password": "the-right-password-1"})
    assert locked.status_code == 429
    assert "too many failed attempts to sign in as amira" in locked.content.decode()
    assert "locked for 30 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    reset(username="amira")  # what an administrator's unlock does
    response = client.post("/admin/login/", {"username": "amira", "password": "the-right-password-1"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


@pytest.mark.django_db
def test_a_second_officers_save_over_a_change_made_meanwhile_is_refused_saying_what_changed(client, django_user_model):
    from core.admin_testing import admin_url, post_back
    from core.tests.factories import OfficerFactory
    from measures.models import Measure
    from measures.tests.factories import MeasureFactory

    measure = MeasureFactory(title="Violent offences")
    first, second = OfficerFactory(username="amira"), OfficerFactory(username="sam")
    url = admin_url(Measure, "change", measure.pk)
    client.force_login(second)
    seconds_page = client.get(url)  # Sam opens the measure ...
    client.force_login(first)
    firsts_page = client.get(url)  # ... and so does Amira, who saves first
    assert client.post(url, post_back(firsts_page, title="Violent offences with injury")).status_code == 302

    client.force_login(second)
    refused = client.post(url, post_back(seconds_page, unit_label="crimes"))
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Someone else changed this record after you opened it" in page
    assert "amira on " in page and "title: “Violent offences with injury”" in page
    measure.refresh_from_db()
    assert (measure.title, measure.unit_label) == ("Violent offences with injury", "")  # Amira's change stands

    # Sam's entries are still in the form; saving again keeps Sam's version, knowingly.
    again = client.post(url, post_back(refused))
    assert again.status_code == 302
    measure.refresh_from_db()
    assert measure.unit_label == "crimes"


# Every query parameter the pages, downloads and API read (their filters, search, paging).
PARAMETERS = [
    "q",
    "page",
    "page_size",
    "body",
    "year",
    "date_from",
    "date_to",
    "direction",
    "edition",
    "illustrative",
    "lead_body",
    "lead_partner",
    "locality",
    "measure",
    "period",
    "period_from",
    "period_to",
    "priority",
    "status",
    "kind",
    "format",
]
BAD_VALUES = ["%00", "%ff%fe", "9" * 400, "2023-02-30"]


@pytest.mark.django_db
def test_no_query_parameter_anywhere_is_ever_a_500(client, real_plan):
    failures = []
    for address in one_address_of_each_kind():
        for parameter in PARAMETERS:
            for value in BAD_VALUES:
                response = client.get(f"{address}?{parameter}={value}")
                if response.status_code >= 500:
                    failures.append(f"{address}?{parameter}={value[:20]}: {response.status_code}")
    assert failures == []


# ---- what travels: compressed, and not at all when unchanged ----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/plans/2022-2027/", "/api/v1/measures/", "/measures/status.csv"])
def test_pages_json_and_csv_are_compressed_for_clients_that_accept_it(client, real_plan, address):
    plain = client.get(address)
    compressed = client.get(address, headers={"Accept-Encoding": "gzip"})
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    sent = body(compressed)  # a CSV download is streamed, and compressed as it goes
    assert len(sent) < len(gzip.decompress(sent)) / 2
    assert gzip.decompress(sent) == body(plain)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address", ["/", "/measures/", "/plans/2022-2027/", "/api/v1/measures/", "/measures/status.csv", "/meetings/feed/"]
)
def test_data_a_client_already_has_is_not_sent_again(client, real_plan, address):
    first = client.get(address)
    assert first["ETag"]
    again = client.get(address, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
