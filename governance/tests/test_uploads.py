"""Meeting papers officers upload: only ordinary documents, by name and by content, and only ever
served as downloads."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.admin_testing import admin_url, form_errors, post_back
from governance.models import Document
from governance.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def opendocument_text():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(officer_client, name, content, meeting=None):
    meeting = meeting or MeetingFactory()
    page = officer_client.get(admin_url(Document, "add"))
    data = post_back(page, meeting=str(meeting.pk), title="Board report", url=None)
    data["file"] = SimpleUploadedFile(name, content)
    return officer_client.post(admin_url(Document, "add"), data)


@pytest.mark.parametrize(
    ("name", "content"),
    [("minutes.pdf", PDF), ("minutes.odt", opendocument_text()), ("figures.csv", b"period,value\n2023/24,1988\n")],
)
def test_an_ordinary_paper_is_accepted_and_served_as_a_download(officer_client, client, media, name, content):
    assert upload(officer_client, name, content).status_code == 302
    document = Document.objects.get()
    page = client.get(document.meeting.get_absolute_url()).content.decode()
    assert f'href="{document.download_url}" download>Board report (download)</a>' in page

    response = client.get(document.download_url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{document.file_name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "is not one of those"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "is not one of those"),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100, "is not one of those"),
        (
            "minutes.pdf",
            b"<html><script>alert(1)</script></html>",
            "is named as a .pdf file but its content is not one",
        ),
        ("minutes.docx", PDF, "is named as a .docx file but its content is not one"),
        ("figures.csv", b"MZ\x90\x00" + b"\x00" * 100, "is named as a CSV file but its content is not plain text"),
    ],
)
def test_anything_else_is_refused_by_name_or_content_and_nothing_is_kept(officer_client, media, name, content, message):
    response = upload(officer_client, name, content)
    assert response.status_code == 200
    assert any(message in error for error in form_errors(response)), form_errors(response)
    assert not Document.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused_saying_the_limit(officer_client, media, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    response = upload(officer_client, "minutes.pdf", PDF + b"%" * 2000)
    assert "upload a file of 1.0\xa0KB or less" in " ".join(form_errors(response))
    assert not Document.objects.exists()


def test_a_paper_of_an_unpublished_meeting_or_under_another_name_is_not_found(officer_client, client, media):
    assert upload(officer_client, "minutes.pdf", PDF, meeting=MeetingFactory(is_published=False)).status_code == 302
    document = Document.objects.get()
    assert client.get(document.download_url).status_code == 404
    document.meeting.is_published = True
    document.meeting.save()
    assert client.get(document.download_url).status_code == 200
    assert client.get(document.download_url.replace(".pdf", ".html")).status_code == 404
