"""Settings, health probes and the officer account command."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[1]


def run_python(code, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | env
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_without_debug_the_portal_refuses_to_start_without_a_secret_key():
    result = run_python("import kcpp.settings", DJANGO_DEBUG="false", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_with_a_secret_key_and_no_debug_the_settings_load_safely():
    result = run_python(
        "import kcpp.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.ALLOWED_HOSTS)",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="portal.example.org",
    )
    assert result.stdout.strip() == "False True ['portal.example.org']", result.stderr


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any database access here would raise instead of answering.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ready_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}


def test_readyz_is_503_when_the_database_cannot_be_reached():
    # A real unreachable PostgreSQL server (nothing listens on port 1), in a separate process.
    result = run_python(
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/readyz');"
        "print(r.status_code, r.json()['checks']['database'])",
        DJANGO_SETTINGS_MODULE="kcpp.settings_test",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
    )
    assert result.stdout.split()[:2] == ["503", "unavailable:"], result.stderr


@pytest.mark.django_db
def test_createofficer_makes_a_superuser_with_a_random_password_shown_once(capsys, settings):
    settings.DEBUG = True
    call_command("createofficer", username="amira")
    output = capsys.readouterr().out
    password = output.split("Password (shown this once; keep it safe): ")[1].split()[0]
    user = get_user_model().objects.get(username="amira")
    assert user.is_staff and user.is_superuser
    assert user.check_password(password)
    assert len(password) >= 16
    with pytest.raises(CommandError, match="already an account"):
        call_command("createofficer", username="amira")


@pytest.mark.django_db
def test_createofficer_can_put_an_officer_in_a_group_and_refuses_unknown_groups(settings):
    settings.DEBUG = True
    call_command("createofficer", username="sam", group=["Performance officers"], stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = get_user_model().objects.get(username="sam")
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Performance officers"]
    with pytest.raises(CommandError, match="No officer group called 'Editors'"):
        call_command("createofficer", username="kim", group=["Editors"])
    assert not get_user_model().objects.filter(username="kim").exists()


@pytest.mark.django_db
def test_createofficer_refuses_to_run_on_a_deployment_unless_told(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="may be a real deployment"):
        call_command("createofficer", username="eve")
    assert not get_user_model().objects.filter(username="eve").exists()
