"""Restore a backup made by `manage.py backup`: the database as it was, and the uploaded papers.

Everything in the database is replaced by the backup's copy. Stop the portal's instances first, or
at least expect requests during the restore to fail; run the migrations afterwards if the backup is
from an older release (`make serve` does).
"""

import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from core.cache import content_changed
from kcpp.management.commands.backup import DATABASE_FILES, engine, postgres_arguments


class Command(BaseCommand):
    help = "Replace the database and the uploaded meeting papers with those of a backup."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="A directory made by `manage.py backup`.")
        parser.add_argument("--yes", action="store_true", help="Do not ask before replacing everything.")

    def handle(self, *args, **options):
        directory = options["directory"]
        kind = engine()
        source = directory / DATABASE_FILES[kind]
        if not source.is_file():
            raise CommandError(f"{directory} holds no {DATABASE_FILES[kind]}: it is not a backup of this kind.")
        if not options["yes"] and input(f"Replace everything in the database with {directory}? [y/N] ") != "y":
            raise CommandError("Nothing restored.")
        connections.close_all()
        if kind == "postgresql":
            arguments, environment = postgres_arguments()
            subprocess.run(  # noqa: S603 - PostgreSQL's own tool, with our settings
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *arguments, str(source)],  # noqa: S607
                env=environment,
                check=True,
            )
        else:
            target = connections["default"]
            target.ensure_connection()
            with sqlite3.connect(source) as backup:
                backup.backup(target.connection)
        media = Path(settings.MEDIA_ROOT)
        archive_path = directory / "media.tar.gz"
        if archive_path.is_file():
            if media.is_dir():
                shutil.rmtree(media)
            media.mkdir(parents=True)
            with tarfile.open(archive_path) as archive:
                archive.extractall(media, filter="data")
        content_changed()  # every cached page was made from what has just been replaced
        self.stdout.write(self.style.SUCCESS(f"Restored the database and the uploaded papers from {directory}"))
