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


def paginate(
    request,
    queryset,
    per_page: int = PAGE_SIZE,
    *,
    cap: int | None = None,
    rows=None,
    count: int | None = None,
):
    """The requested page of a list; a bad or too-high page number gives the nearest page.
    With `cap`, at most that many rows are counted and paged (CappedPaginator). `count`:
    the number of rows when the page has already counted them (not counted again)."""
    paginator = (
        Paginator(queryset, per_page)
        if cap is None
        else CappedPaginator(queryset, per_page, cap, rows=rows)
    )
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not worked out
    return paginator.get_page(request.GET.get("page"))


class CappedPaginator(Paginator):
    """Pages through the first `cap` rows only, counting no further: a force-wide case list
    (a million cases) is never counted row by row. `more` is true when rows are left out;
    the page then says so and asks for a narrower search.

    With `rows`, the ids of the first `cap` + 1 rows of `object_list` are read once, in
    order, and the page's rows are then read from `rows` by id: for a search, whose matching
    is the costly part, that matches once rather than once to count and again for the page
    (`rows` is the same list before the search's filter)."""

    def __init__(self, object_list, per_page, cap: int, *, rows=None):
        super().__init__(object_list, per_page)
        self.cap, self.rows = cap, rows

    @cached_property
    def _ids(self) -> list:
        return list(self.object_list.values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def _seen(self) -> int:
        if self.rows is not None:
            return len(self._ids)
        # Any cap + 1 rows tell whether there are more: no ordering, so no sort of them all,
        # and their ids only (the list's annotations are worked out for the page's rows).
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._seen, self.cap)

    @property
    def more(self) -> bool:
        return self._seen > self.cap

    def page(self, number):
        if self.rows is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self._ids[bottom : min(bottom + self.per_page, self.count)]
        found = {row.pk: row for row in self.rows.filter(pk__in=ids)}
        # A row gone between the two reads (deleted by retention, say) is left out.
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)
