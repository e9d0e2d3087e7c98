"""The CSV writing every download shares: what a spreadsheet or a script reading a file gets."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.downloads import cell, csv_response
from core.testing import body


def read(response):
    """The CSV as a list of rows, parsed strictly as RFC 4180 text."""
    return list(csv.reader(io.StringIO(body(response).decode("utf-8"), newline=""), strict=True))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (Decimal("4404.000"), "4404"),
        (Decimal("47.900"), "47.9"),
        (Decimal("100.000"), "100"),  # never 1E+2
        (Decimal("0.000"), "0"),
        (Decimal("-3"), "-3"),  # a negative number is a number, not a formula
        (12, "12"),
        (date(2023, 3, 31), "2023-03-31"),
        (datetime(2024, 3, 31, 23, 30, tzinfo=UTC), "2024-04-01"),  # shown in UK time (BST)
        ("Vehicle offences", "Vehicle offences"),
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+44 1484", "'+44 1484"),
        ("-1 offences", "'-1 offences"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("A = B", "A = B"),
    ],
)
def test_cells(value, expected):
    assert cell(value) == expected


def test_a_csv_response_is_rfc_4180_utf_8_and_named():
    response = csv_response(
        "x.csv", ["a", "b"], [["Tackling Violence, Abuse & Exploitation", 'He said "hi"\nthen left']]
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    sent = body(response)
    assert sent.startswith(b"a,b\r\n")  # no byte-order mark, CRLF line ends
    assert b'"Tackling Violence, Abuse & Exploitation","He said ""hi""\nthen left"\r\n' in sent
    assert read(response) == [["a", "b"], ["Tackling Violence, Abuse & Exploitation", 'He said "hi"\nthen left']]
