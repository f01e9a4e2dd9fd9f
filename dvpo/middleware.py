"""Request and response plumbing shared by every page."""


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in person (case details, notices, PDFs) must not be kept by the
    browser or any cache on the way: `Cache-Control: no-store, private` on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response
