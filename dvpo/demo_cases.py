"""Two fictional cases for the demo, so a new user sees work waiting rather than empty pages:
one DVPN awaiting the superintendent's decision, and one served with its hearing listed.

Everything goes through the services, as a real user's work would. A case whose crime
reference exists is left alone, so loading twice changes nothing.
"""

from datetime import date, timedelta

from django.utils import timezone

from cases import services
from cases.instruments import instrument_load
from cases.models import Case, Party, RiskGrade
from courts import services as court_services
from courts.models import Court
from dvpo.models import User

AWAITING = "DEMO/0001"
SERVED = "DEMO/0002"


def _incident(officer, reference, hours_ago, victim, perpetrator):
    case = services.case_create(
        actor=officer,
        crime_reference=reference,
        reported_at=timezone.now() - timedelta(hours=hours_ago),
        bcu=officer.bcu,
        team=officer.team,
        location="Flat 4, 12 Example Road, Northshire",
        summary="Fictional demo incident: a neighbour heard shouting and called the police.",
        p_arrested=True,
    )
    for role, (first, last, born, gender) in (
        (Party.Role.VICTIM, victim),
        (Party.Role.PERPETRATOR, perpetrator),
    ):
        services.party_add(
            actor=officer,
            case=case,
            role=role,
            first_name=first,
            last_name=last,
            date_of_birth=born,
            gender=gender,
            address="Flat 4, 12 Example Road, Northshire",
            relationship_to_p="Partner" if role == Party.Role.VICTIM else "",
            lives_with_p=True,
        )
    victim_party = case.parties.get(role=Party.Role.VICTIM)
    instrument = instrument_load()[0]
    numbers = instrument.questions.values_list("number", flat=True)
    services.risk_assess(
        actor=officer,
        case=case,
        victim=victim_party,
        instrument=instrument,
        answers={str(n): "yes" if n <= 6 else "no" for n in numbers},
        grade=RiskGrade.MEDIUM,
    )
    return case


def _submitted(officer, case):
    dvpn = services.dvpn_start(actor=officer, case=case)
    dvpn = services.dvpn_update(
        actor=officer,
        dvpn=dvpn,
        expected_version=dvpn.lock_version,
        grounds="P pushed the victim against a wall and threatened to hurt her (fictional).",
        why_other_means_insufficient="P was released under investigation, with no bail conditions.",
        child_welfare="No children live at the address.",
        victim_opinion="The victim wants P to stay away from the flat.",
        p_representations="P said it was a misunderstanding.",
    )
    return services.dvpn_submit(actor=officer, dvpn=dvpn, expected_version=dvpn.lock_version)


def demo_cases_load() -> int:
    """Create the demo cases that are missing; returns how many were created."""
    officer = User.objects.get(username="officer")
    superintendent = User.objects.get(username="superintendent")
    created = 0
    if not Case.objects.filter(crime_reference=AWAITING).exists():
        case = _incident(
            officer,
            AWAITING,
            3,
            ("Vera", "Example", date(1991, 4, 2), "female"),
            ("Paul", "Sample", date(1987, 9, 14), "male"),
        )
        _submitted(officer, case)
        created += 1
    if not Case.objects.filter(crime_reference=SERVED).exists():
        case = _incident(
            officer,
            SERVED,
            20,
            ("Dana", "Placeholder", date(1984, 1, 20), "female"),
            ("Rob", "Testperson", date(1982, 11, 3), "male"),
        )
        dvpn = _submitted(officer, case)
        dvpn = services.dvpn_decide(
            actor=superintendent,
            dvpn=dvpn,
            authorise=True,
            reasons="Violence is shown and the notice is needed to protect the victim (demo).",
            expected_version=dvpn.lock_version,
        )
        served_at = timezone.now()
        dvpn = services.dvpn_serve(
            actor=officer,
            dvpn=dvpn,
            served_at=served_at,
            p_notice_address="c/o 7 Sample Lane, Northshire",
            expected_version=dvpn.lock_version,
        )
        court_services.application_create(
            actor=officer,
            dvpn=dvpn,
            court=Court.objects.get(code="NSMC"),
            listed_for=(served_at + timedelta(hours=24)).replace(minute=0, second=0, microsecond=0),
            presenting_officer=officer,
        )
        created += 1
    return created
