"""Printable documents (the DVPN notice, the court pack): a template rendered to PDF.

WeasyPrint is loaded only when a PDF is asked for: it is heavy."""

import re

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


def refuse_url(url, *args, **kwargs):
    """The PDF fetches nothing: its styles are inline, and nothing in a notice may make
    the server request a URL (a file, or one built from the Host header)."""
    raise ValueError(f"PDFs are rendered from their own HTML only; refused to load {url}")


def filename_safe(text: str) -> str:
    """Text fit for a download's file name: each run of other characters becomes one dash."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def pdf_response(request, template: str, context: dict, *, filename: str) -> HttpResponse:
    """The template as a PDF, shown inline under filename."""
    import weasyprint

    html = render_to_string(template, context, request=request)
    pdf = weasyprint.HTML(
        string=html, base_url=str(settings.BASE_DIR), url_fetcher=refuse_url
    ).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
