"""The PNC record flags a case's history supports (a read, used by the case page)."""

from datetime import date

from cases.models import DVPN, Case
from courts import rules


def case_record_flags(case: Case) -> list[tuple[str, str, date]]:
    """The PNC flags (FP, FQ, FT, FS, FU) the case's history supports, with dates."""
    dvpns = case.dvpns.exclude(decided_at__isnull=True).exclude(
        status__in=[DVPN.Status.REFUSED, DVPN.Status.REVISED]
    )
    authorised = min((d.decided_at for d in dvpns), default=None)
    served = min((d.served_at for d in dvpns if d.served_at), default=None)
    breaches = list(case.breaches.values_list("occurred_at", "order_id"))
    orders = list(case.dvpos.values_list("made_on", flat=True))
    return rules.record_flags(
        dvpn_authorised_on=rules.local_date(authorised),
        dvpn_served_on=rules.local_date(served),
        dvpn_breached_on=rules.local_date(min((b for b, o in breaches if o is None), default=None)),
        dvpo_issued_on=min(orders, default=None),
        dvpo_breached_on=rules.local_date(
            min((b for b, o in breaches if o is not None), default=None)
        ),
    )
