"""Collects what a request opened and writes it to the access log in one INSERT."""

from django.conf import settings
from django.shortcuts import render

from audit import log
from audit.breakglass import BreakGlassRequired
from audit.forms import BreakGlassForm


class AccessLogMiddleware:
    """After the view: one INSERT for everything `access_case`/`access_referral` noted.
    A case outside the user's BCU or team answers a GET with the break-glass question."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = log.begin(request)
        try:
            response = self.get_response(request)
        finally:
            current = log.end(token)
        log.flush(current, response)
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, BreakGlassRequired) or request.method not in ("GET", "HEAD"):
            return None  # a POST without a grant stays 403 (BreakGlassRequired is a 403)
        form = BreakGlassForm(initial={"next": request.get_full_path()})
        return render(
            request,
            "audit/break_glass.html",
            {
                "case_id": exception.case.pk,
                "form": form,
                "break_glass_hours": settings.BREAK_GLASS_HOURS,
            },
        )
