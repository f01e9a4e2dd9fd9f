"""People on a case: add a victim, P, child or household member (offering a person the force
already knows, for repeat victims), and record a victim's safe-contact details."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cases import services
from cases.forms.people import NEW_PERSON, MatchForm, PartyForm, SafeContactForm
from cases.models import Party, Person, SafeContact
from cases.permissions import access_case
from cases.selectors import cases_visible
from dvpo.pages import run_service

MAX_MATCHES = 10


def possible_matches(case, data, *, viewer):
    """People of the case's force (never another force's) who may be the person being added:
    the same first and last name, or the same last name and date of birth. Only people on
    cases the viewer may see: nobody learns of a person from a case they cannot open.
    Each has `known_roles`, the parts they had on those cases."""
    first, last = data["first_name"].strip(), data["last_name"].strip()
    same = Q(first_name__iexact=first, last_name__iexact=last)
    if data.get("date_of_birth"):
        same |= Q(last_name__iexact=last, date_of_birth=data["date_of_birth"])
    visible = cases_visible(viewer=viewer).filter(force_id=case.force_id).values("pk")
    seen_parts = Party.objects.filter(case__in=visible)
    people = list(
        Person.objects.filter(force_id=case.force_id)
        .filter(same)
        .filter(Exists(seen_parts.filter(person=OuterRef("pk"))))
        .prefetch_related(Prefetch("parties", queryset=seen_parts, to_attr="seen_parties"))
        .order_by("last_name", "first_name", "date_of_birth", "pk")[:MAX_MATCHES]
    )
    for person in people:
        roles = {party.role for party in person.seen_parties}
        person.known_roles = [
            label[0].lower() + label[1:] for value, label in Party.Role.choices if value in roles
        ]
    return people


@login_required
@require_http_methods(["GET", "POST"])
def party_add(request, case_id):
    case = access_case(request.user, case_id, work=True)
    if request.method == "GET":
        role = request.GET.get("role")
        form = PartyForm(initial={"role": role} if role in Party.Role.values else None)
        return _details_page(request, case, form)

    form = PartyForm(request.POST)
    step = request.POST.get("step")
    if step == "edit" or not form.is_valid():
        return _details_page(request, case, form)
    # Worked out again on every POST: the choice must still be an allowed match.
    people = possible_matches(case, form.cleaned_data, viewer=request.user)
    if step != "match" and people:
        return _matches_page(request, case, form, MatchForm(people=people))

    person = None
    target = form
    if step == "match":  # a person no longer an allowed match is not a valid choice
        match_form = MatchForm(request.POST, people=people)
        if not match_form.is_valid():
            return _matches_page(request, case, form, match_form)
        if match_form.cleaned_data["match"] != NEW_PERSON:
            person, target = match_form.chosen_person(), match_form
    details = form.service_kwargs()
    if person is not None:
        details = {key: details[key] for key in ("role", "relationship_to_p", "lives_with_p")}
    party = run_service(
        target,
        lambda: services.party_add(actor=request.user, case=case, person=person, **details),
    )
    if party is None:
        if target is form:
            return _details_page(request, case, form)
        return _matches_page(request, case, form, target)
    messages.success(request, f"{party.person} added as {party.get_role_display().lower()}.")
    return redirect("case_detail", case_id=case.pk)


def _details_page(request, case, form):
    return render(request, "cases/people/party_add.html", {"case": case, "form": form})


def _matches_page(request, case, details_form, match_form):
    people = match_form.people.values()
    return render(
        request,
        "cases/people/party_matches.html",
        {
            "case": case,
            "details": details_form,
            "hidden": _typed_values(details_form),
            "role_label": Party.Role(details_form.cleaned_data["role"]).label.lower(),
            "form": match_form,
            "options": [(match_form["match"][i], p) for i, p in enumerate(people)],
            "new_option": match_form["match"][len(match_form.people)],
        },
    )


def _typed_values(form):
    """(name, value) of everything typed on the details page, to carry in hidden fields."""
    names = []
    for name, field in form.fields.items():
        widget_names = getattr(field.widget, "widgets_names", None)
        names += [name + suffix for suffix in widget_names] if widget_names else [name]
    return [(name, form.data.get(name, "")) for name in names]


@login_required
@require_http_methods(["GET", "POST"])
def safe_contact(request, case_id, party_id):
    case = access_case(request.user, case_id, work=True)
    party = get_object_or_404(
        Party.objects.select_related("person"), pk=party_id, case=case, role=Party.Role.VICTIM
    )
    contact = SafeContact.objects.filter(party=party).first()
    form = SafeContactForm(
        request.POST if request.method == "POST" else None,
        instance=contact,
        initial={"expected_version": contact.lock_version if contact else 0},
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.safe_contact_save(
                actor=request.user,
                party=party,
                expected_version=form.cleaned_data["expected_version"],
                **form.service_kwargs(),
            ),
        )
        if saved is not None:
            messages.success(request, f"Safe-contact details saved for {party.person}.")
            return redirect("case_detail", case_id=case.pk)
    return render(
        request,
        "cases/people/safe_contact.html",
        {"case": case, "party": party, "form": form, "contact": contact},
    )
