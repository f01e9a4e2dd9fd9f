"""What every CSV download shares: cells a spreadsheet will not run as formulas.

A spreadsheet opening a CSV treats a cell starting with = + - @ (or a tab or carriage
return, which some strip first) as a formula, so a crime reference or a name typed as
=HYPERLINK(...) would run on the reader's machine (OWASP "CSV injection"). Some
spreadsheets also read the full-width forms ＝ ＋ － ＠ (and the small forms ﹦ ﹢ ﹣) as
those signs. Such a cell is prefixed with an apostrophe, which the spreadsheet shows as
text and does not display. Numbers the app itself worked out are left as they are (a
negative count is not a formula).
"""

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse

CSV_DANGEROUS = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "\uff1d",  # ＝ full-width equals sign
    "\uff0b",  # ＋ full-width plus sign
    "\uff0d",  # － full-width hyphen-minus
    "\uff20",  # ＠ full-width commercial at
    "\ufe66",  # ﹦ small equals sign
    "\ufe62",  # ﹢ small plus sign
    "\ufe63",  # ﹣ small hyphen-minus
)


def csv_safe(value) -> str:
    """The text of one CSV cell, with an apostrophe in front when a spreadsheet would
    otherwise read it as a formula."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_DANGEROUS) else text


def csv_download(filename: str, rows: Iterable[Iterable], *, header=None) -> HttpResponse:
    """A CSV attachment of `rows` (after `header`), every cell through csv_safe, never kept
    by a browser or proxy cache (it holds personal data or a force's figures)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    if header is not None:
        writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return response
