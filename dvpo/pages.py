"""What every page shares: turning a refused action into a form error, and paging."""

from django.core.paginator import Paginator

from dvpo.errors import ActionRefused

PAGE_SIZE = 25


def run_service(form, call):
    """Call a service. When the rules refuse (ActionRefused, EditConflict) the message becomes
    an error on the form, on its field when the form has that field, and None is returned:
    the view then shows the form again with nothing changed."""
    try:
        return call()
    except ActionRefused as refusal:
        field = refusal.field if refusal.field in form.fields else None
        form.add_error(field, refusal.message)
        return None


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """The requested page of a list; a bad or too-high page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
