"""dvpo.exports.csv_safe: the one guard every CSV download uses against formulas."""

from decimal import Decimal

import pytest

from dvpo.exports import csv_download, csv_safe


@pytest.mark.parametrize(
    "dangerous",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "\nx",
        "\uff1dHYPERLINK(1)",  # ＝
        "\uff0b1",  # ＋
        "\uff0d1",  # －
        "\uff20SUM(A1)",  # ＠
        "\ufe661",  # ﹦
        "\ufe621",  # ﹢
        "\ufe631",  # ﹣
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(dangerous):
    assert csv_safe(dangerous) == "'" + dangerous


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("1234567/26", "1234567/26"),
        ("Flat 1 = top floor", "Flat 1 = top floor"),
        (None, ""),
        ("", ""),
        (-3, "-3"),  # a number the app worked out is not a formula
        (Decimal("-1.5"), "-1.5"),
        (-0.5, "-0.5"),
        (True, "True"),
    ],
)
def test_other_cells_are_left_as_they_are(value, cell):
    assert csv_safe(value) == cell


def test_every_csv_download_uses_the_one_csv_safe():
    """No app keeps its own copy (there were two, and reports borrowed one of them)."""
    from django.conf import settings

    copies = [
        str(path)
        for app in ("cases", "courts", "referrals", "reports", "audit", "dvpo")
        for path in (settings.BASE_DIR / app).rglob("*.py")
        if "def csv_safe" in path.read_text() and path.name != "exports.py"
    ]
    assert copies == []


def test_a_csv_download_is_an_uncached_attachment_with_every_cell_made_safe():
    response = csv_download("x.csv", [["=1+1", 3, None]], header=["a", "b", "c"])
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Cache-Control"] == "no-store"
    assert response.content.decode().splitlines() == ["a,b,c", "'=1+1,3,"]
