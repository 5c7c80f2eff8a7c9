"""Thin views: parse the form, call a service or a selector, render. Someone else's child is a 404."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.accounts.models import Household
from portal.followups.services import supervisor_of

from . import policies, selectors, services
from .forms import (
    AcknowledgeForm,
    ChildForm,
    ConsentForm,
    CorrectDatesForm,
    EndPlacementForm,
    ItemForm,
    MedicationFormSet,
    MedicationSortedForm,
    NeedForm,
    NeedOutcomeForm,
    NoteForm,
    PlaceForm,
    QuestionForm,
    RespiteForm,
)
from .models import ItemKind

# The respite link is shown once, right after it is made; only its hash is stored.
RESPITE_LINK_SESSION_KEY = "placements:respite_link"


def _error_text(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


FAILED = object()  # what run_on_form returns when the service refused


def run_on_form(form, call, *, fields: dict[str, str] | None = None):
    """Run a service; a refusal or a rule it enforces is shown on the form, with what was typed kept.

    A service names the model's fields (``starts_at``); ``fields`` maps them to the form's (``starts``).
    A name the form does not have goes above the form rather than raising (a 500).
    """
    try:
        return call()
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
        for name, errors in getattr(error, "error_dict", {}).items():
            name = (fields or {}).get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    except PermissionDenied as error:
        form.add_error(None, str(error))
    return FAILED


# --- The family's side ------------------------------------------------------------------------


def _family_only(user) -> None:
    if not policies.is_family(user):
        raise Http404


@login_required
def children(request):
    """The children living with the family now, and those who lived with them before."""
    _family_only(request.user)
    return render(
        request,
        "placements/family_children.html",
        {
            "placements": selectors.family_children(request.user),
            "past": selectors.family_past_children(request.user),
        },
    )


def _family_child_context(request, placement, *, since, now, **forms) -> dict:
    disclosure = placement.disclosure
    rows = selectors.item_rows(disclosure, since=since)
    acknowledgement = selectors.last_acknowledgement(request.user, disclosure)
    return {
        "placement": placement,
        "child": placement.child,
        "disclosure": disclosure,
        "rows": rows,
        "pending": [row for row in rows if row.item.is_pending],
        "new_count": sum(1 for row in rows if row.is_new),
        "since": since,
        "medication_promise": selectors.medication_promise(placement),
        "siblings": selectors.siblings_here(placement),
        "acknowledgement": acknowledgement,
        "read_current": acknowledgement is not None and acknowledgement.version == disclosure.version,
        "acknowledge_form": forms.get("acknowledge_form") or AcknowledgeForm(initial={"version": disclosure.version}),
        "needs": selectors.family_needs(request.user, placement),
        "consent_form": ConsentForm(),
        "supervisor": supervisor_of(placement.child.caseworker) if placement.child.caseworker else None,
        "now": now,
    }


@login_required
def child(request, pk):
    """Everything known about a child placed with the family; what changed since their last visit is highlighted."""
    _family_only(request.user)
    placement = selectors.family_placement(request.user, pk)
    now = timezone.now()
    since = services.record_visit(user=request.user, disclosure=placement.disclosure, now=now)
    services.record_read(reader=request.user, disclosure=placement.disclosure, household_id=placement.household_id, via="family")
    return render(request, "placements/family_child.html", _family_child_context(request, placement, since=since, now=now))


@login_required
@require_POST
def acknowledge(request, pk):
    _family_only(request.user)
    placement = selectors.family_placement(request.user, pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Something was missing. Please read the page and confirm again."))
        return redirect("placements:child", placement.pk)
    try:
        services.acknowledge(user=request.user, disclosure=placement.disclosure, version=form.cleaned_data["version"])
    except services.StaleAcknowledgement:
        messages.warning(
            request,
            _("Something changed while you were reading. The new information is highlighted; please read it and confirm again."),
        )
    else:
        messages.success(request, _("Thank you. Your caseworker can see that you have read everything we know so far."))
    return redirect("placements:child", placement.pk)


@login_required
def item(request, pk, item_pk):
    """One item: ask the caseworker about it, or add what the family has learned."""
    _family_only(request.user)
    placement = selectors.family_placement(request.user, pk)
    entry = selectors.family_item(request.user, placement, item_pk)
    question_form = QuestionForm(initial={"submission_key": uuid.uuid4()})
    # Both forms have a `body`: distinct ids keep each label tied to its own box.
    note_form = NoteForm(auto_id="note_%s")
    if request.method == "POST":
        if request.POST.get("action") == "note":
            note_form = NoteForm(request.POST, auto_id="note_%s")
            if note_form.is_valid():
                try:
                    services.add_family_note(user=request.user, item=entry, body=note_form.cleaned_data["body"])
                except ValidationError as error:
                    note_form.add_error(None, error)
                else:
                    messages.success(request, _("Your note is saved. Your caseworker can read it."))
                    return redirect("placements:child", placement.pk)
        else:
            question_form = QuestionForm(request.POST)
            if question_form.is_valid():
                try:
                    thread = services.ask_about_item(
                        user=request.user, item=entry, body=question_form.cleaned_data["body"],
                        submission_key=question_form.cleaned_data["submission_key"],
                    )
                except ValidationError as error:
                    question_form.add_error(None, error)
                else:
                    messages.success(request, _("Your question was sent to %(worker)s.") % {"worker": thread.assigned_to})
                    return redirect("messaging:thread", thread.pk)
    services.record_read(
        reader=request.user, disclosure=placement.disclosure, household_id=placement.household_id, via="family-item", item=entry.entry.code
    )
    return render(
        request,
        "placements/family_item.html",
        {"placement": placement, "child": placement.child, "item": entry, "question_form": question_form, "note_form": note_form},
    )


@login_required
def summary(request, pk):
    """A one-page summary to print or save for the doctor or the school."""
    _family_only(request.user)
    placement = selectors.family_placement(request.user, pk)
    services.record_read(reader=request.user, disclosure=placement.disclosure, household_id=placement.household_id, via="summary")
    return render(
        request,
        "placements/summary.html",
        {"placement": placement, "child": placement.child, "rows": selectors.item_rows(placement.disclosure, since=None), "now": timezone.now()},
    )


@login_required
def activity(request, pk):
    """Who on the staff viewed or changed the child's information."""
    _family_only(request.user)
    placement = selectors.family_placement(request.user, pk)
    return render(
        request,
        "placements/family_activity.html",
        {"placement": placement, "child": placement.child, "entries": selectors.activity(placement.disclosure)},
    )


@login_required
def past_child(request, pk):
    """A child who no longer lives with the family: only what the family wrote themselves."""
    _family_only(request.user)
    placement = selectors.family_past_placement(request.user, pk)
    return render(
        request,
        "placements/family_past_child.html",
        {"placement": placement, "child": placement.child, "notes": selectors.own_notes(request.user, placement)},
    )


@login_required
@require_POST
def answer_need(request, pk):
    _family_only(request.user)
    referral = selectors.family_need(request.user, pk)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose yes or no."))
    else:
        try:
            services.answer_need(user=request.user, referral=referral, consent=form.cleaned_data["consent"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            if form.cleaned_data["consent"]:
                messages.success(request, _("Thank you. We will share it and check with you that it helped."))
            else:
                messages.success(request, _("Understood. Nothing has been shared."))
    return redirect("placements:child", referral.placement_id)


# --- Respite providers (no account) -----------------------------------------------------------


def respite(request, token):
    """The named items of one child, for a respite provider, only while the grant lasts."""
    try:
        grant = services.usable_respite_grant(token)
    except services.RespiteUnavailable as problem:
        return render(request, "placements/respite_unavailable.html", {"reason": problem.reason}, status=404)
    placement = grant.placement
    allowed = set(grant.entries.values_list("pk", flat=True))
    rows = [row for row in selectors.item_rows(placement.disclosure, since=None) if row.item.entry_id in allowed]
    services.record_read(
        reader=None, disclosure=placement.disclosure, household_id=placement.household_id, via="respite",
        provider=grant.provider_name, grant=grant.pk,
    )
    return render(request, "placements/respite.html", {"grant": grant, "child": placement.child, "rows": rows})


# --- The staff side ---------------------------------------------------------------------------


def _case_staff_only(user) -> None:
    if not policies.is_case_staff(user):
        raise Http404


@login_required
def disclosures(request):
    """Disclosures with items still being found out, the soonest deadline first."""
    _case_staff_only(request.user)
    now = timezone.now()
    return render(request, "placements/staff_list.html", {"placements": selectors.staff_disclosures(request.user, now=now), "now": now})


@login_required
def completeness(request):
    """How much was known 1 and 5 business days after placement, per caseworker and per office."""
    _case_staff_only(request.user)
    now = timezone.now()
    by_worker, by_office = selectors.completeness(request.user, now=now)
    return render(request, "placements/completeness.html", {"by_worker": by_worker, "by_office": by_office, "now": now})


@login_required
def add_child(request):
    _case_staff_only(request.user)
    now = timezone.now()
    form = ChildForm(request.POST or None, children=selectors.placeable_children(request.user, now=now))
    if request.method == "POST" and form.is_valid():
        new_child = run_on_form(form, lambda: services.add_child(actor=request.user, **form.cleaned_data))
        if new_child is not FAILED:
            messages.success(request, _("%(child)s is added. You can place them now.") % {"child": new_child})
            return redirect(f"{reverse('placements:place')}?child={new_child.pk}")
    return render(request, "placements/add_child.html", {"form": form})


@login_required
def place(request):
    """Place one child, or brothers and sisters together, with a licensed resource family."""
    _case_staff_only(request.user)
    now = timezone.now()
    candidates = selectors.placeable_children(request.user, now=now)
    households = Household.objects.filter(licence_status=Household.LicenceStatus.LICENSED).order_by("name")
    initial = {"started_on": timezone.localdate(), "children": request.GET.getlist("child")}
    form = PlaceForm(request.POST or None, children=candidates, households=households, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        placements = run_on_form(
            form,
            lambda: services.place_children(
                actor=request.user,
                household=data["household"],
                children=list(data["children"]),
                started_on=data["started_on"],
                planned_end_on=data["planned_end_on"],
                medication=form.medication_answers(),
                now=now,
            ),
        )
        if placements is not FAILED:
            messages.success(request, _("Placed. The family can read the disclosure now; fill in what you know, item by item."))
            return redirect("placements:staff_child", placements[0].pk)
    return render(request, "placements/place.html", {"form": form})


def _staff_child_context(request, placement, now, **forms) -> dict:
    return {
        "placement": placement,
        "child": placement.child,
        "disclosure": placement.disclosure,
        "rows": selectors.item_rows(placement.disclosure, since=None),
        "medication_promise": selectors.medication_promise(placement),
        "medication_form": forms.get("medication_form") or MedicationSortedForm(),
        "acknowledgement": placement.disclosure.acknowledgements.select_related("by").first(),
        "grants": selectors.respite_grants(request.user, placement, now=now),
        "needs": selectors.staff_needs(request.user, placement, now=now),
        "need_form": forms.get("need_form") or NeedForm(),
        "outcome_form": NeedOutcomeForm(),
        "siblings": selectors.siblings_here(placement),
        "now": now,
    }


@login_required
def staff_child(request, pk):
    """The caseworker's view of one disclosure: each item, its status and its deadline."""
    _case_staff_only(request.user)
    now = timezone.now()
    placement = selectors.staff_placement(request.user, pk, now=now)
    services.record_read(reader=request.user, disclosure=placement.disclosure, household_id=placement.household_id, via="staff")
    return render(request, "placements/staff_child.html", _staff_child_context(request, placement, now))


@login_required
def edit_item(request, pk):
    """Fill one item. If a colleague saved it meanwhile, show both versions and overwrite nothing."""
    _case_staff_only(request.user)
    now = timezone.now()
    entry = selectors.staff_item(request.user, pk, now=now)
    placement = entry.disclosure.placement
    is_medication_list = entry.entry.kind == ItemKind.MEDICATIONS
    initial = {"status": entry.status, "content": entry.content, "asked_whom": entry.asked_whom, "revision": entry.revision}
    form = ItemForm(request.POST or None, initial=initial)
    medication_initial = [
        {f: getattr(m, f) for f in ("name", "dose", "schedule", "prescriber", "pharmacy", "supply", "refill_on")}
        for m in entry.medications.all()
    ]
    formset = (
        MedicationFormSet(request.POST or None, initial=medication_initial, prefix="medications") if is_medication_list else None
    )
    conflict = None
    if request.method == "POST" and placement.ended_on is not None:
        messages.error(request, _("This placement has ended; its disclosure can no longer be changed."))
        return redirect("placements:staff_child", placement.pk)
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        rows = None
        if formset is not None:
            rows = [
                services.MedicationRow(**{k: v for k, v in f.cleaned_data.items() if k != "DELETE"})
                for f in formset.forms
                if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
        try:
            services.update_item(
                actor=request.user, item=entry, medications=rows, now=now,
                **{k: form.cleaned_data[k] for k in ("status", "content", "asked_whom", "revision")},
            )
        except services.EditConflict as clash:
            conflict = clash.item
            # Saving again means saving over their version, knowingly.
            data = request.POST.copy()
            data["revision"] = conflict.revision
            form = ItemForm(data, initial=initial)
            form.is_valid()
            # On the new form: an error added to the one it replaces would never be shown.
            form.add_error(
                None,
                _("%(who)s changed this item at %(when)s while you were editing. Nothing was overwritten: compare, then save again.")
                % {"who": conflict.changed_by, "when": date_format(timezone.localtime(conflict.changed_at), "TIME_FORMAT")},
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("Saved. The family sees the change highlighted."))
            return redirect("placements:staff_child", placement.pk)
    services.record_read(
        reader=request.user, disclosure=entry.disclosure, household_id=placement.household_id, via="staff-item", item=entry.entry.code
    )
    return render(
        request,
        "placements/edit_item.html",
        {"item": entry, "placement": placement, "child": placement.child, "form": form, "formset": formset, "conflict": conflict},
    )


@login_required
@require_POST
def medication_sorted(request, pk):
    _case_staff_only(request.user)
    now = timezone.now()
    placement = selectors.staff_placement(request.user, pk, now=now)
    form = MedicationSortedForm(request.POST)
    if form.is_valid():
        result = run_on_form(form, lambda: services.record_medication_sorted(actor=request.user, placement=placement, note=form.cleaned_data["note"], now=now))
        if result is not FAILED:
            messages.success(request, _("Recorded. The family sees how the medication was arranged."))
            return redirect("placements:staff_child", placement.pk)
    # Shown again with the error, the page shows the whole disclosure: a read like any other.
    services.record_read(reader=request.user, disclosure=placement.disclosure, household_id=placement.household_id, via="staff")
    return render(request, "placements/staff_child.html", _staff_child_context(request, placement, now, medication_form=form))


@login_required
def end(request, pk):
    _case_staff_only(request.user)
    now = timezone.now()
    placement = selectors.staff_placement(request.user, pk, now=now)
    form = EndPlacementForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        result = run_on_form(form, lambda: services.end_placement(actor=request.user, placement=placement, now=now, **form.cleaned_data))
        if result is not FAILED:
            messages.success(request, _("The placement has ended. Promises still open for it were withdrawn."))
            return redirect("placements:disclosures")
    return render(request, "placements/end.html", {"placement": placement, "child": placement.child, "form": form})


@login_required
def correct_dates(request, pk):
    _case_staff_only(request.user)
    now = timezone.now()
    placement = selectors.staff_placement(request.user, pk, now=now)
    form = CorrectDatesForm(request.POST or None, initial={"started_on": placement.started_on, "ended_on": placement.ended_on})
    if request.method == "POST" and form.is_valid():
        result = run_on_form(form, lambda: services.correct_placement_dates(actor=request.user, placement=placement, now=now, **form.cleaned_data))
        if result is not FAILED:
            messages.success(request, _("The dates are corrected. Board payments not yet paid are recalculated."))
            return redirect("placements:staff_child", placement.pk)
    return render(request, "placements/correct_dates.html", {"placement": placement, "child": placement.child, "form": form})


@login_required
def respite_access(request, pk):
    """Give a respite provider time-limited read access to named items, and see or end earlier grants."""
    _case_staff_only(request.user)
    now = timezone.now()
    placement = selectors.staff_placement(request.user, pk, now=now)
    form = RespiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        granted = run_on_form(form, lambda: services.grant_respite(actor=request.user, placement=placement, now=now, **form.cleaned_data))
        if granted is not FAILED:
            _grant, link = granted
            request.session[RESPITE_LINK_SESSION_KEY] = request.build_absolute_uri(link)
            return redirect("placements:respite_access", placement.pk)
    return render(
        request,
        "placements/respite_access.html",
        {
            "placement": placement,
            "child": placement.child,
            "form": form,
            "grants": selectors.respite_grants(request.user, placement, now=now),
            "new_link": request.session.pop(RESPITE_LINK_SESSION_KEY, None),
            "now": now,
        },
    )


@login_required
@require_POST
def revoke_respite(request, pk):
    _case_staff_only(request.user)
    now = timezone.now()
    grant = selectors.staff_respite_grant(request.user, pk, now=now)
    services.revoke_respite(actor=request.user, grant=grant, now=now)
    messages.success(request, _("The link no longer works."))
    return redirect("placements:respite_access", grant.placement_id)


@login_required
@require_POST
def propose_need(request, pk):
    _case_staff_only(request.user)
    now = timezone.now()
    placement = selectors.staff_placement(request.user, pk, now=now)
    form = NeedForm(request.POST)
    if form.is_valid():
        result = run_on_form(form, lambda: services.propose_need(actor=request.user, placement=placement, now=now, **form.cleaned_data))
        if result is not FAILED:
            messages.success(request, _("The family is asked for permission. Nothing is shared until they say yes."))
            return redirect("placements:staff_child", placement.pk)
    services.record_read(reader=request.user, disclosure=placement.disclosure, household_id=placement.household_id, via="staff")
    return render(request, "placements/staff_child.html", _staff_child_context(request, placement, now, need_form=form))


@login_required
@require_POST
def share_need(request, pk):
    _case_staff_only(request.user)
    now = timezone.now()
    referral = selectors.staff_need(request.user, pk, now=now)
    try:
        services.share_need(actor=request.user, referral=referral, now=now)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Recorded as shared. Check with the family that it helped; it is on your list with its date."))
    return redirect("placements:staff_child", referral.placement_id)


@login_required
@require_POST
def need_outcome(request, pk):
    _case_staff_only(request.user)
    now = timezone.now()
    referral = selectors.staff_need(request.user, pk, now=now)
    form = NeedOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the need was met."))
    else:
        try:
            services.record_need_outcome(actor=request.user, referral=referral, now=now, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Recorded. The promise to check is kept."))
    return redirect("placements:staff_child", referral.placement_id)
