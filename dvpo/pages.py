"""What every page shares: turning a refused action into a form error, and paging."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

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


def paginate(request, queryset, per_page: int = PAGE_SIZE, *, cap: int | None = None):
    """The requested page of a list; a bad or too-high page number gives the nearest page.
    With `cap`, at most that many rows are counted and paged (CappedPaginator)."""
    paginator = (
        Paginator(queryset, per_page) if cap is None else CappedPaginator(queryset, per_page, cap)
    )
    return paginator.get_page(request.GET.get("page"))


class CappedPaginator(Paginator):
    """Pages through the first `cap` rows only, counting no further: a force-wide case list
    (a million cases) is never counted row by row. `more` is true when rows are left out;
    the page then says so and asks for a narrower search."""

    def __init__(self, object_list, per_page, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _seen(self) -> int:
        # Any cap + 1 rows tell whether there are more: no ordering, so no sort of them all,
        # and their ids only (the list's annotations are worked out for the page's rows).
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._seen, self.cap)

    @property
    def more(self) -> bool:
        return self._seen > self.cap
