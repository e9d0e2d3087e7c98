"""Back up the portal: its database and its uploaded meeting papers, into one directory.

PostgreSQL is dumped with pg_dump (custom format, for pg_restore); SQLite is copied with its online
backup, so the portal may keep serving while it runs. Uploaded papers are archived beside it.
`manage.py restore DIR` (or `make restore FROM=DIR`) puts both back.
"""

import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

DATABASE_FILES = {"postgresql": "database.dump", "sqlite3": "database.sqlite3"}


def engine():
    name = settings.DATABASES["default"]["ENGINE"].rpartition(".")[2]
    if name not in DATABASE_FILES:
        raise CommandError(f"Backups cover PostgreSQL and SQLite, not {name}.")
    return name


def postgres_arguments():
    """pg_dump and pg_restore's connection options, and the environment with the password."""
    database = settings.DATABASES["default"]
    arguments = ["--dbname", database["NAME"]]
    for option, key in [("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")]:
        if database.get(key):
            arguments += [option, str(database[key])]
    environment = {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}
    return arguments, environment


class Command(BaseCommand):
    help = "Back up the database and the uploaded meeting papers into a new directory (default: backups/<time>)."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", type=Path, help="Where to write the backup; must not exist yet.")

    def handle(self, *args, **options):
        directory = options["directory"] or Path(settings.BASE_DIR) / "backups" / f"{timezone.now():%Y%m%d-%H%M%S}"
        if directory.exists():
            raise CommandError(f"{directory} already exists: choose a new directory for the backup.")
        directory.mkdir(parents=True)
        kind = engine()
        target = directory / DATABASE_FILES[kind]
        if kind == "postgresql":
            arguments, environment = postgres_arguments()
            subprocess.run(  # noqa: S603 - PostgreSQL's own tool, with our settings
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *arguments],  # noqa: S607
                env=environment,
                check=True,
            )
        else:
            source = connections["default"]
            source.ensure_connection()
            with sqlite3.connect(target) as copy:
                source.connection.backup(copy)
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(directory / "media.tar.gz", "w:gz") as archive:
            if media.is_dir():
                archive.add(media, arcname=".")
        self.stdout.write(self.style.SUCCESS(f"Backed up the database and the uploaded papers to {directory}"))
