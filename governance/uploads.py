"""What a meeting paper may be: an ordinary document, checked by its name and by its content.

Only committee-paper formats are accepted (PDF, Word, Excel, OpenDocument, CSV), by an allow-list of
extensions whose content must match (so a web page or a program renamed to .pdf is refused), up to a
size limit. They are served only as downloads, never shown inline from the site's own origin.
"""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# Extension: the content type filetype must find in the file. CSV is text, which it does not detect.
DOCUMENT_TYPES = {
    "pdf": "pdf",
    "doc": "doc",
    "docx": "docx",
    "xls": "xls",
    "xlsx": "xlsx",
    "odt": "odt",
    "ods": "ods",
    "csv": None,
}
FORMATS = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), OpenDocument (.odt, .ods) or CSV"


def validate_document(file):
    """Refuse a file that is not one of `DOCUMENT_TYPES` by name and by content, or is too large."""
    limit = settings.DOCUMENT_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(file.size)}: upload a file of {filesizeformat(limit)} or less."
        )
    extension = file.name.rpartition(".")[2].lower() if "." in file.name else ""
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(f"Upload a {FORMATS} file. “{file.name}” is not one of those.")
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    found = filetype.guess(head)
    expected = DOCUMENT_TYPES[extension]
    if expected is None:
        text_like = found is None and b"\x00" not in head and not head.lstrip().startswith((b"<", b"MZ"))
        if not text_like:
            raise ValidationError(f"“{file.name}” is named as a CSV file but its content is not plain text.")
    elif found is None or found.extension != expected:
        raise ValidationError(
            f"“{file.name}” is named as a .{extension} file but its content is not one. Upload the document itself."
        )
