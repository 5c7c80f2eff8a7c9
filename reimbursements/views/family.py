"""The family's money pages: what is owed, where it is, when it arrives; sending and fixing claims.

Thin: parse the form, call one service or selector, render. Another family's claim or receipt
is a 404 (policies.py). Nothing a family types or uploads can make a 500.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from placements.events.services import attended_trips
from placements.views import FAILED, run_on_form
from portal import business_days
from portal.files import private_file_response

from .. import policies, selectors, services
from ..forms import (
    FAMILY_KINDS,
    MAX_LINES,
    ClaimForm,
    ExpenseFormSet,
    ResubmitExpenseFormSet,
    ResubmitForm,
    ResubmitTripFormSet,
    TripFormSet,
)
from ..models import BoardPayment, Claim

TRIP_DAYS = 90  # the hearings, meetings and visits offered as trips: the last 90 days (claims older than that are refused)
_ROW_FIELDS = {"trips": ("on", "from_place", "to_place", "description", "miles", "event_id"), "expenses": ("on", "description", "amount")}


def _family_only(user) -> None:
    if not policies.is_family(user):
        raise Http404


# --- The money page ---------------------------------------------------------------------------


@login_required
def money(request):
    """Board payments, the clothing allowance and claims, each with where it is and when it arrives."""
    _family_only(request.user)
    now = timezone.now()
    today = business_days.local_date(now)
    context = selectors.family_money(request.user, now=now)
    context.update(
        now=now,
        today=today,
        # Held and returned payments say why instead; these are late once their expected date has passed.
        unpaid_statuses=(BoardPayment.Status.SCHEDULED, BoardPayment.Status.APPROVED, BoardPayment.Status.SENT),
        this_month=today.replace(day=1),
        last_month=(today.replace(day=1) - timedelta(days=1)).replace(day=1),
    )
    return render(request, "reimbursements/family_money.html", context)


# --- A new claim ------------------------------------------------------------------------------


def _home(household) -> str:
    return ", ".join(part for part in (household.street_address, household.city) if part) or pgettext("where a trip starts", "Home")


def _items(kind: str, formset, *, event_ids=frozenset()) -> list[services.ItemInput]:
    """The lines typed; a trip keeps its hearing or meeting only if it is one offered to this family (a hidden field can be forged)."""
    items = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        if kind == Claim.Kind.MILEAGE:
            items.append(
                services.ItemInput(
                    on=data["on"], description=data["description"], miles=data["miles"],
                    from_place=data["from_place"], to_place=data["to_place"],
                    event_id=data.get("event_id") if data.get("event_id") in event_ids else None,
                )
            )
        else:
            items.append(services.ItemInput(on=data["on"], description=data["description"], amount=data["amount"]))
    return items


def _with_rows(post, prefix: str, *, add: int = 0, trips=(), home: str = ""):
    """A copy of the posted form with ``add`` empty lines more, and the chosen trips filled into empty lines."""
    data = post.copy()
    try:
        total = max(0, min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_LINES))
    except ValueError:
        total = 0
    fields = _ROW_FIELDS[prefix]

    def empty(index):
        return not any((data.get(f"{prefix}-{index}-{name}") or "").strip() for name in fields)

    have = {data.get(f"{prefix}-{i}-event_id") for i in range(total)}
    for trip in trips:
        if str(trip.event_id) in have:
            continue
        index = next((i for i in range(total) if empty(i)), None)
        if index is None:
            if total >= MAX_LINES:
                break
            index, total = total, total + 1
        data[f"{prefix}-{index}-on"] = trip.day.isoformat()
        data[f"{prefix}-{index}-from_place"] = home
        data[f"{prefix}-{index}-to_place"] = trip.place
        data[f"{prefix}-{index}-description"] = trip.what
        data[f"{prefix}-{index}-event_id"] = str(trip.event_id)
    data[f"{prefix}-TOTAL_FORMS"] = str(min(total + add, MAX_LINES))
    data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


def _new_claim_context(request, *, kind, form, formset, **extra) -> dict:
    return {
        "kind": kind,
        "kind_label": dict(FAMILY_KINDS).get(kind, ""),
        "kinds": FAMILY_KINDS,
        "form": form,
        "formset": formset,
        "prefix": "trips" if kind == Claim.Kind.MILEAGE else "expenses",
        "trips": form.trips,
        "home": _home(request.user.household),
        "trip_days": TRIP_DAYS,
        "mileage_rate": selectors.current_mileage_rate(now=timezone.now()) if kind == Claim.Kind.MILEAGE else None,
        **extra,
    }


@login_required
def new_claim(request):
    """Choose what the claim is for, then the trips or expenses, the child and the receipts."""
    _family_only(request.user)
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    kind = source.get("kind", "")
    if kind not in dict(FAMILY_KINDS):
        if request.method == "POST":
            messages.error(request, _("Choose what the claim is for."))
        return render(request, "reimbursements/family_claim_kind.html", {"kinds": FAMILY_KINDS, "max_age": settings.PORTAL_CLAIM_MAX_AGE_DAYS})
    today = business_days.local_date(timezone.now())
    trips = attended_trips(household=user.household, since=today - timedelta(days=TRIP_DAYS), until=today) if kind == Claim.Kind.MILEAGE else []
    children = selectors.claimable_children(user)
    FormSet, prefix = (TripFormSet, "trips") if kind == Claim.Kind.MILEAGE else (ExpenseFormSet, "expenses")
    if request.method != "POST":
        form = ClaimForm(initial={"kind": kind}, children=children, trips=trips)
        return render(request, "reimbursements/family_new_claim.html", _new_claim_context(request, kind=kind, form=form, formset=FormSet(prefix=prefix)))

    files_dropped = bool(request.FILES.getlist("receipts"))
    action = request.POST.get("action", "")
    if action in ("add_line", "use_trips"):
        # Without JavaScript the page grows a line or fills the chosen trips in, and keeps everything typed.
        chosen = {str(v) for v in request.POST.getlist("use_trip")}
        data = _with_rows(
            request.POST, prefix, add=1 if action == "add_line" else 0,
            trips=[t for t in trips if str(t.event_id) in chosen] if action == "use_trips" else (), home=_home(user.household),
        )
        initial = {name: data.get(name) for name in ("kind", "child", "note", "submission_key") if data.get(name)}
        form = ClaimForm(initial=initial, children=children, trips=trips)
        formset = _unbound_from(FormSet, prefix, data)
        context = _new_claim_context(request, kind=kind, form=form, formset=formset, files_dropped=files_dropped, chosen_trips=chosen)
        return render(request, "reimbursements/family_new_claim.html", context)

    form = ClaimForm(request.POST, request.FILES, children=children, trips=trips)
    formset = FormSet(request.POST, prefix=prefix)
    duplicates = []
    if form.is_valid() & formset.is_valid():
        data = form.cleaned_data
        try:
            result = run_on_form(
                form,
                lambda: services.submit_claim(
                    user=user, kind=kind, items=_items(kind, formset, event_ids={t.event_id for t in trips}), child=_child(data["child"]), receipts=data["receipts"],
                    note=data["note"], confirm_duplicate=data["confirm_duplicate"], submission_key=data["submission_key"],
                ),
            )
        except services.PossibleDuplicate as duplicate:
            duplicates, result = duplicate.claims, FAILED
        if result is not FAILED:
            claim = policies.family_claims(user).filter(pk=result.pk).first()
            if claim is None:  # cannot happen for a key this family made; never show someone else's claim
                raise Http404
            messages.success(request, _("Thank you. Your claim %(reference)s is received.") % {"reference": claim.reference})
            return redirect("reimbursements:claim", claim.pk)
    context = _new_claim_context(
        request, kind=kind, form=form, formset=formset, files_dropped=files_dropped, duplicates=selectors.with_promises(duplicates),
        chosen_trips={str(v) for v in request.POST.getlist("use_trip")},
    )
    return render(request, "reimbursements/family_new_claim.html", context)


def _unbound_from(FormSet, prefix: str, data):
    """A formset showing ``data`` as typed, without error messages (nothing was sent yet)."""
    try:
        total = max(0, min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_LINES))
    except ValueError:
        total = 0
    fields = _ROW_FIELDS[prefix]
    rows = [{name: data.get(f"{prefix}-{i}-{name}") or "" for name in fields} for i in range(total)]
    if not rows:
        return FormSet(prefix=prefix)
    # Shown as new lines (not "initial" ones), so a line left empty is skipped when the form is sent.
    AsTyped = type(FormSet.__name__, (FormSet,), {"extra": len(rows), "initial_form_count": lambda self: 0})
    return AsTyped(prefix=prefix, initial=rows)


def _child(pk):
    from placements.models import Child

    return Child.objects.filter(pk=pk).first() if pk else None


# --- One claim --------------------------------------------------------------------------------


def _resubmit_formset(claim: Claim, data=None):
    initial = [
        {"on": i.on, "description": i.description, "from_place": i.from_place, "to_place": i.to_place, "miles": i.miles, "event_id": i.event_id, "amount": i.amount}
        for i in claim.items.all()
    ]
    if claim.kind == Claim.Kind.MILEAGE:
        FormSet = ResubmitTripFormSet
    else:
        FormSet = ResubmitExpenseFormSet
    return FormSet(data, prefix="lines", initial=initial)


@login_required
def claim(request, pk):
    """The whole history of a claim, what happens next and who has it; the answer form when something is needed."""
    _family_only(request.user)
    claim = selectors.family_claim(request.user, pk)
    can_change = policies.can_change_claim(request.user, claim)
    form, formset, files_dropped = ResubmitForm(), _resubmit_formset(claim) if can_change else None, False
    if request.method == "POST" and can_change:
        form = ResubmitForm(request.POST, request.FILES)
        formset = _resubmit_formset(claim, request.POST)
        files_dropped = bool(request.FILES.getlist("receipts"))
        if form.is_valid() & formset.is_valid():
            kept = {item.event_id for item in claim.items.all() if item.event_id}
            items = _items(claim.kind, formset, event_ids=kept) if formset.has_changed() else None
            result = run_on_form(
                form,
                lambda: services.resubmit_claim(user=request.user, claim=claim, items=items, receipts=form.cleaned_data["receipts"], note=form.cleaned_data["note"]),
            )
            if result is not FAILED:
                messages.success(request, _("Thank you. Your claim %(reference)s is sent back to fiscal staff.") % {"reference": claim.reference})
                return redirect("reimbursements:claim", claim.pk)
    elif request.method == "POST":
        messages.info(request, _("This claim is not waiting for anything from you, so nothing was changed."))
        return redirect("reimbursements:claim", claim.pk)
    return render(
        request,
        "reimbursements/family_claim.html",
        {
            "claim": claim,
            "history": selectors.claim_history(claim),
            "form": form,
            "formset": formset,
            "can_change": can_change,
            "files_dropped": files_dropped,
            "asked": selectors.last_event(claim, Claim.Status.MORE_INFO),
            "denied": selectors.last_event(claim, Claim.Status.DENIED),
            "now": timezone.now(),
        },
    )


@login_required
def receipt(request, pk, receipt_pk):
    """A receipt file, only to the family it belongs to and fiscal staff; anyone else a 404."""
    receipt = get_object_or_404(policies.visible_receipts(request.user), pk=receipt_pk, claim_id=pk)
    return private_file_response(receipt.file, name=receipt.name, content_type=receipt.content_type)


# --- Monthly statement ------------------------------------------------------------------------


@login_required
def statement(request, year, month):
    """One month for the household, to print or keep: board payments, claims paid, claims approved and coming."""
    _family_only(request.user)
    bounds = selectors.month_bounds(year, month)
    if bounds is None:
        raise Http404
    now = timezone.now()
    if bounds[0] > business_days.local_date(now).replace(day=1):
        raise Http404
    return render(
        request,
        "reimbursements/family_statement.html",
        {"statement": selectors.family_statement(request.user, first=bounds[0], last=bounds[1], now=now), "household": request.user.household, "now": now},
    )
