"""`make backup` and `make restore`: a restore brings back every officer edit, and the uploaded papers."""

import os
import secrets
import subprocess
from pathlib import Path

from django.conf import settings

from tests.test_production import fresh_database

BASE_DIR = Path(settings.BASE_DIR)

OFFICERS_EDITS = """
from datetime import date
from django.core.files.base import ContentFile
from governance.models import Document, Meeting
from measures.models import Measure
from priorities.models import Action
measure = Measure.objects.get(code="KPM-1.1")
measure.title = "Violence with injury"
measure.save()
action = Action.objects.filter(priority__edition__slug="2022-2027").first()
action.updates.create(date=date(2024, 4, 2), status="on_track", commentary="Under way.")
document = Document(meeting=Meeting.objects.first(), title="Board report")
document.file.save("report.pdf", ContentFile(b"%PDF-1.7 the report"), save=True)
"""

LATER_DAMAGE = """
from governance.models import Document
from measures.models import Measure
from priorities.models import ProgressUpdate
Measure.objects.filter(code="KPM-1.1").update(title="Something else")
ProgressUpdate.objects.all().delete()
document = Document.objects.get(title="Board report")
document.file.delete(save=False)
document.delete()
"""


def test_a_restore_brings_back_every_officer_edit_and_the_uploaded_papers(tmp_path):
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": fresh_database(tmp_path, name="kcpp_backup_test"),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }

    def manage(*args, stdin=None):
        result = subprocess.run(  # noqa: S603 - our own interpreter and commands
            [str(BASE_DIR / ".venv" / "bin" / "python"), "manage.py", *args],
            cwd=BASE_DIR,
            env=environment,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def everything():
        """Every row of every table the portal keeps, history and officers' accounts included."""
        return manage("dumpdata", "--exclude", "contenttypes", "--exclude", "auth.permission", "--exclude", "sessions")

    manage("migrate", "--no-input", "-v0")
    manage("loadplan", "-v0")
    manage("shell", "-c", OFFICERS_EDITS)
    before = everything()
    backup = tmp_path / "backup"
    manage("backup", str(backup))

    manage("shell", "-c", LATER_DAMAGE)
    assert everything() != before
    assert not (tmp_path / "media" / "meeting-documents").exists() or not any(
        (tmp_path / "media" / "meeting-documents").rglob("*.pdf")
    )

    manage("restore", str(backup), "--yes")

    assert everything() == before
    papers = list((tmp_path / "media").rglob("*.pdf"))
    assert [paper.read_bytes() for paper in papers] == [b"%PDF-1.7 the report"]
    assert '"title": "Violence with injury"' in before
