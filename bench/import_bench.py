"""Time importing 10,000 reported values in the admin, preview and import: `.venv/bin/python bench/import_bench.py`.

A figure, not a test: it prints how long an officer waits, and exits 0 whatever it shows (only if it cannot
run does it fail). The bar (issue 12): a file of 10,000 rows previews and imports in under a minute.

A scratch database (kcpp_bench_import_Nx on the PostgreSQL server of DATABASE_URL, dropped afterwards unless
BENCH_KEEP=1; else a SQLite file in a temporary directory) gets the plan with its illustrative values and
`scaleplan --factor N` (IMPORT_BENCH_FACTOR, 10). Then, in a process of its own with debug off, as a
performance officer in Django's test client, it takes the values CSV readers download, adds rows for new
quarters of every measure up to IMPORT_BENCH_ROWS (10,000) rows in all, and times three imports, each as
the officer goes through them (upload and preview page, then "Import"):

1. the file: mostly new figures, the downloaded ones unchanged;
2. the same file again: every row unchanged, so there is nothing to import;
3. the file with every added figure changed.

CACHE_URL is the cache that holds the file between preview and import (Redis, say), else the process's memory.
"""

import csv
import io
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from bench import PYTHON, ROOT, SECRET, Databases, manage, say, setting

BAR_SECONDS = 60


class ImportDatabases(Databases):
    """Scratch databases of their own, so that `make bench` running meanwhile keeps its own."""

    @staticmethod
    def name(scale):
        return f"kcpp_bench_import_{scale}x"


def main():
    factor = int(setting("IMPORT_BENCH_FACTOR", 10))
    rows = int(setting("IMPORT_BENCH_ROWS", 10_000))
    cache_url = setting("CACHE_URL", "locmemcache://")
    with tempfile.TemporaryDirectory(prefix="kcpp-import-bench-") as directory:
        databases = ImportDatabases(setting("DATABASE_URL", ""), directory)
        environment = {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", directory),
            "DJANGO_ENV_FILE": "",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_LOG_LEVEL": "WARNING",
            "CACHE_URL": cache_url,
            "DJANGO_MEDIA_ROOT": str(Path(directory) / "media"),
            "DJANGO_STATIC_ROOT": directory,
            "DATABASE_URL": databases.url_for(factor),
        }
        say(f"Scratch database ({databases.version()}): the plan at {factor}x ...")
        started = time.monotonic()
        databases.create(factor)
        try:
            manage(environment, "migrate", "--no-input", "-v0")
            manage(environment, "loadplan", "--illustrative", "-v0")
            manage(environment, "scaleplan", "--factor", str(factor), "--scratch", "-v0")
            say(f"  made in {time.monotonic() - started:.0f} s; cache {cache_url}")
            subprocess.run([PYTHON, __file__, "--time", str(rows)], env=environment, check=True)  # noqa: S603
        finally:
            if not setting("BENCH_KEEP", ""):
                databases.drop(factor)


# ---- in the scratch database's own process -------------------------------------------------------------


def timed(rows):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kcpp.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.test import Client

    from core.tests.factories import UserFactory

    # The pages' static files by name, without collectstatic's manifest: the time is the import's, not theirs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    use_an_admin_that_imports()
    officer = UserFactory(username="import-bench", is_staff=True)
    officer.groups.add(Group.objects.get(name="Performance officers"))
    client = Client()
    downloaded = b"".join(client.get("/measures/values.csv").streaming_content).decode()
    client.force_login(officer)
    header, added = added_rows(downloaded, rows)
    say(f"Importing {rows:,} rows ({len(added):,} added to the {rows - len(added):,} of the values CSV):")
    worst = 0.0
    for title, file_text, imports in [
        ("the file", downloaded + as_csv(added), True),
        ("the same file again", downloaded + as_csv(added), False),
        ("every added figure changed", downloaded + as_csv(changed(added, header)), True),
    ]:
        worst = max(worst, go_through(client, title, file_text, imports))
    met = "met" if worst < BAR_SECONDS else "MISSED"
    say(f"Bar: {rows:,} rows previewed and imported in under {BAR_SECONDS} s: {met} (slowest {worst:.1f} s).")


def use_an_admin_that_imports():
    """The admin as the site has it, its reported values with `ValueImportMixin` added if not there yet."""
    from types import ModuleType

    from django.conf import settings
    from django.contrib import admin
    from django.urls import URLResolver, clear_url_caches, path

    from kcpp import urls
    from measures.admin_import import ValueImportMixin
    from measures.models import ReportedValue

    registered = admin.site._registry[ReportedValue]
    if isinstance(registered, ValueImportMixin):
        return
    composed = type("ReportedValueAdmin", (ValueImportMixin, type(registered)), {})
    admin.site._registry[ReportedValue] = composed(ReportedValue, admin.site)
    urlconf = ModuleType("import_bench_urls")
    urlconf.urlpatterns = [
        path("admin/", admin.site.urls)
        if isinstance(pattern, URLResolver) and pattern.namespace == "admin"
        else pattern
        for pattern in urls.urlpatterns
    ]
    settings.ROOT_URLCONF = urlconf
    clear_url_caches()


def quarters_back(from_year):
    """Financial-year quarters, the newest first, from the last of `from_year`/next back."""
    year, number = from_year, 4
    while True:
        month = 4 + 3 * (number - 1)
        start = date(year + (month > 12), (month - 1) % 12 + 1, 1)
        following = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
        yield start, following - timedelta(days=1)
        year, number = (year, number - 1) if number > 1 else (year - 1, 4)


def added_rows(downloaded, rows):
    """Rows for new quarters of every measure, in the values CSV's columns, up to `rows` rows with the download's."""
    from measures.models import Measure, ReportedValue

    header = next(csv.reader(io.StringIO(downloaded)))
    wanted = rows - (len(downloaded.strip().splitlines()) - 1)
    stored = set(ReportedValue.objects.values_list("measure_id", "period_start", "period_end"))
    measures = list(Measure.objects.order_by("pk"))
    per_measure = -(-wanted // len(measures))
    chance = random.Random(12)  # noqa: S311 - made-up figures
    added = []
    for measure in measures:
        quarters = (quarter for quarter in quarters_back(2024) if (measure.pk, *quarter) not in stored)
        for _, (start, end) in zip(range(per_measure), quarters, strict=False):
            top = 100 if measure.unit == Measure.Unit.PERCENT else 5000
            value = round(chance.uniform(0, top), measure.decimal_places)
            row = dict.fromkeys(header, "") | {
                "measure_code": measure.code,
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "value": f"{value:.{measure.decimal_places}f}",
            }
            added.append(row)
    return header, [[row[name] for name in header] for row in added[:wanted]]


def changed(added, header):
    """The added rows, each figure one more (one less where a percentage would pass 100)."""
    column = header.index("value")
    rows = []
    for row in added:
        figure = Decimal(row[column])
        rows.append([*row[:column], str(figure + 1 if figure + 1 <= 100 else figure - 1), *row[column + 1 :]])
    return rows


def as_csv(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def go_through(client, title, file_text, imports):
    """Upload and preview, then import where there is something to: the seconds each took, printed; their sum."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.testing import text

    upload = SimpleUploadedFile("values.csv", file_text.encode(), content_type="text/csv")
    started = time.monotonic()
    preview = client.post(
        "/admin/measures/reportedvalue/import/", {"import_file": upload, "format": "", "resource": "0"}
    )
    previewed = time.monotonic() - started
    page = preview.content.decode()
    # (Not the message of the import before, which the page shows first.)
    counts = re.search(r"would do (\d+ new, \d+ changed, \d+ unchanged)", text(preview))
    if preview.status_code != 200 or counts is None:
        sys.exit(f"The preview of {title} failed ({preview.status_code}): {text(preview)[:2000]}")
    line = f"  {title}: {counts.group(1)}; preview {previewed:.1f} s"
    if not imports:
        say(line)
        return previewed
    confirmation = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    started = time.monotonic()
    imported = client.post("/admin/measures/reportedvalue/process_import/", confirmation)
    took = time.monotonic() - started
    if imported.status_code != 302:
        sys.exit(f"The import of {title} failed ({imported.status_code}): {text(imported)[:2000]}")
    say(f"{line}, import {took:.1f} s: {previewed + took:.1f} s in all")
    return previewed + took


if __name__ == "__main__":
    if sys.argv[1:2] == ["--time"]:
        timed(int(sys.argv[2]))
    else:
        main()
