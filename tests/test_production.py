"""The portal as production runs it: `make serve` (debug off, collected static files, gunicorn).

The first release answered 500 on every page in production because nothing tried. This serves a
fresh database through `make serve`, with only the documented environment variables, and fetches
every page in the sitemap and every stylesheet, script and image they refer to.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
HOST = "portal.example.org"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(tmp_path, name="kcpp_production_test"):
    """A new, empty database: PostgreSQL when the tests run on it (as in CI), else an SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    connection.close()
    return f"{url.rpartition('/')[0]}/{name}"


def redis_url():
    """The machine's Redis, as production has one, where it runs (it does in CI)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return "locmemcache://"
    return "redis://127.0.0.1:6379/15"


class Links(HTMLParser):
    """The same-site assets and pages an HTML page refers to."""

    def __init__(self):
        super().__init__()
        self.assets, self.pages = set(), set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("href"):
            self.assets.add(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.assets.add(attrs["src"])
        elif tag == "a" and attrs.get("href", "").startswith("/"):
            self.pages.add(attrs["href"])


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    """Only the documented production variables: a fresh database, the machine's Redis, shared media."""
    if not (BASE_DIR / "static_build" / "css" / "app.css").exists():
        if os.environ.get("CI"):
            pytest.fail("The front end is not built: `make test` builds it before the tests")
        pytest.skip("the front end is not built (make assets)")
    tmp_path = tmp_path_factory.mktemp("production")
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": fresh_database(tmp_path),
        "CACHE_URL": redis_url(),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }


@contextmanager
def make_serve(environment):
    """`make serve` on a port of its own, until the block ends."""
    port = free_port()
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - kept open while the server runs
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve"],  # noqa: S607
        cwd=BASE_DIR,
        env={**environment, "PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                if fetch(base, "/healthz").status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"make serve did not start:\n{log.read()[-4000:]}")
            time.sleep(0.5)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def production(environment):
    with make_serve(environment) as base:
        yield base


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def fetch(base, path, data=None, **headers):
    """A request as a browser behind the production proxy sends it: the site's host name, over HTTPS."""
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", **headers}
    request = urllib.request.Request(base + path, data=data, headers=headers)  # noqa: S310 - our own local server
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


def local(url):
    """A link as a path on the server under test."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_every_page_in_the_sitemap_and_every_asset_it_uses_answers_200(production):
    index = fetch(production, "/sitemap.xml")
    assert index.status == 200
    pages = set()
    for section in re.findall(r"<loc>(.*?)</loc>", index.text):
        listed = fetch(production, local(section))
        assert listed.status == 200
        pages |= {local(url) for url in re.findall(r"<loc>(.*?)</loc>", listed.text)}
    assert len(pages) > 100  # the real plan: its editions, priorities, actions, measures, bodies, meetings
    assets, failures = set(), []
    for path in sorted(pages):
        response = fetch(production, path)
        if response.status != 200:
            failures.append(f"{path}: {response.status}")
            continue
        assert response.headers["Permissions-Policy"].startswith("accelerometer=()")
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
        links = Links()
        links.feed(response.text)
        assets |= {local(urljoin(path, asset)) for asset in links.assets if not asset.startswith("http")}
    # Stylesheets refer to images and fonts of their own.
    for stylesheet in [asset for asset in assets if asset.endswith(".css")]:
        css = fetch(production, stylesheet).text
        assets |= {local(urljoin(stylesheet, url.strip("'\""))) for url in re.findall(r"url\(([^)]+)\)", css)}
    assert any(asset.startswith("/static/css/app.") for asset in assets)  # the hashed, collected stylesheet
    for asset in sorted(assets):
        if asset.startswith("data:"):
            continue
        response = fetch(production, asset)
        if response.status != 200:
            failures.append(f"{asset}: {response.status}")
    assert failures == []


def test_static_files_travel_brotli_or_gzip_compressed_and_pages_gzip_compressed(production):
    page = fetch(production, "/")
    stylesheet = re.search(r'href="(/static/css/app[^"]+\.css)"', page.text)[1]
    for encoding in ("br", "gzip"):
        packed = fetch(production, stylesheet, **{"Accept-Encoding": encoding})
        assert packed.status == 200 and packed.headers["Content-Encoding"] == encoding
        assert len(packed.body) < len(fetch(production, stylesheet).body) / 3
    assert fetch(production, "/", **{"Accept-Encoding": "gzip, br"}).headers["Content-Encoding"] == "gzip"


def test_a_missing_page_is_the_sites_own_404_and_never_a_debug_page(production):
    response = fetch(production, "/no-such-page/")
    assert response.status == 404
    assert "Page not found" in response.text
    assert "Traceback" not in response.text and "DEBUG = True" not in response.text


def test_plain_http_is_sent_to_https(production):
    request = urllib.request.Request(production + "/plans/", headers={"Host": HOST})  # noqa: S310 - ours
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        assert error.code == 301
        assert error.headers["Location"] == f"https://{HOST}/plans/"
    else:
        pytest.fail("plain HTTP was served")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def run_manage(*args, **environment):
    """manage.py in a process of its own, with only the variables given (and PATH), as production runs it."""
    return subprocess.run(  # noqa: S603
        [str(BASE_DIR / ".venv" / "bin" / "python"), "manage.py", *args],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "DJANGO_ENV_FILE": "", **environment},
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": HOST}


def test_the_deployment_checklist_has_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY is not set."),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS is not set."),
    ],
)
def test_with_debug_off_it_refuses_to_start_without_a_secret_key_or_hosts(missing, message):
    environment = {name: value for name, value in PRODUCTION.items() if name != missing}
    result = run_manage("check", **environment)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_checkouts_env_file_is_read_by_its_commands_and_never_by_the_server(tmp_path):
    env_file = tmp_path / "developer.env"
    env_file.write_text("DJANGO_DEBUG=true\n")
    shown = ["shell", "-c", "from django.conf import settings; print('debug', settings.DEBUG)"]
    assert "debug True" in run_manage(*shown, DJANGO_ENV_FILE=str(env_file), **PRODUCTION).stdout
    assert "debug False" in run_manage(*shown, DJANGO_ENV_FILE="", **PRODUCTION).stdout
    # The server's entry point, as gunicorn loads it, whatever .env the checkout has.
    served = subprocess.run(  # noqa: S603
        [
            str(BASE_DIR / ".venv" / "bin" / "python"),
            "-c",
            "import kcpp.wsgi; from django.conf import settings; print('debug', settings.DEBUG)",
        ],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], **PRODUCTION},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "debug False" in served.stdout, served.stderr


class FormFields(HTMLParser):
    """What a browser would post from the page's form: inputs, ticked boxes, chosen options, text areas."""

    def __init__(self):
        super().__init__()
        self.fields, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type", "text") not in ("submit", "button", "file", "image"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def form_fields(html, **changes):
    parser = FormFields()
    parser.feed(html)
    fields = [(name, changes.pop(name) if name in changes else value) for name, value in parser.fields]
    return fields + list(changes.items())


def cookies(response):
    return {
        header.split("=", 1)[0]: header.split("=", 1)[1].split(";", 1)[0]
        for header in response.headers.get_all("Set-Cookie") or []
    }


def test_two_instances_share_one_database_and_cache_and_keep_no_state_of_their_own(production, environment):
    """An officer signs in through one instance and carries on through another, as behind a load balancer."""
    created = subprocess.run(  # noqa: S603
        [
            str(BASE_DIR / ".venv" / "bin" / "python"),
            "manage.py",
            "createofficer",
            "--username",
            "amira",
            "--production",
        ],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    password = created.stdout.split("Password (shown this once; keep it safe): ")[1].split()[0]
    login = fetch(production, "/admin/login/")
    csrf = cookies(login)["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)[1]
    form = urlencode({"username": "amira", "password": password, "csrfmiddlewaretoken": token, "next": "/admin/"})
    signed_in = fetch(
        production,
        "/admin/login/",
        data=form.encode(),
        Cookie=f"csrftoken={csrf}",
        Referer=f"https://{HOST}/admin/login/",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert signed_in.status == 302
    session = cookies(signed_in)["sessionid"]

    with make_serve(environment) as other:
        page = fetch(other, "/admin/", Cookie=f"sessionid={session}")
        assert page.status == 200
        assert "Keep the plan, its measures and its meetings up to date" in page.text and "amira" in page.text.lower()

    # Behind a load balancer: an officer's change through one instance, read at once through the other.
    change_page = fetch(production, "/admin/measures/measure/?q=KPM-1.1", Cookie=f"sessionid={session}")
    change = re.search(r'href="(/admin/measures/measure/\d+/change/)', change_page.text)[1]
    stale = []
    with make_serve(environment) as other:
        for round_ in range(1, 6):
            title = f"Total recorded crime (restated {round_})"
            for address in ("/measures/KPM-1.1/", "/measures/", "/api/v1/measures/"):
                assert fetch(other, address).status == 200  # the reader's copy is in the cache now
            form = fetch(production, change, Cookie=f"sessionid={session}; csrftoken={csrf}")
            saved = fetch(
                production,
                change,
                data=urlencode(form_fields(form.text, title=title)).encode(),
                Cookie=f"sessionid={session}; csrftoken={csrf}",
                Referer=f"https://{HOST}{change}",
                **{"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert saved.status == 302, saved.text[:3000]
            for address in ("/measures/KPM-1.1/", "/measures/", "/api/v1/measures/"):
                if title not in fetch(other, address).text:
                    stale.append((round_, address))
    assert stale == []
