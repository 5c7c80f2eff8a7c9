"""Thin views for events: parse, call one service or selector, render. Someone else's event is a 404."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import business_days
from portal.accounts.models import Household
from portal.accounts.policies import may_see_family_data
from portal.files import private_file_response

from .. import policies as placement_policies
from ..views import FAILED
from ..views import run_on_form as _run_on_form
from . import policies, selectors, services
from .forms import (
    CancelForm,
    EventForm,
    HelpArrangedForm,
    ObservationsForm,
    OutcomeForm,
    RescheduleForm,
    RespondForm,
    SlotFormSet,
    VisitRequestForm,
)


def run_on_form(form, call):
    # The services speak of starts_at/ends_at; the forms have a date and two times.
    return _run_on_form(form, call, fields={"starts_at": "starts", "ends_at": "ends"})


def _family_only(user) -> None:
    if not placement_policies.is_family(user):
        raise Http404


def _staff_only(user) -> None:
    if not (may_see_family_data(user) and user.is_agency_staff):
        raise Http404


def _month(request) -> date | None:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-"))
        # The grid reaches into the weeks around the month: the first and last years have none.
        return date(year, month, 1) if date.min.year < year < date.max.year else None
    except ValueError:
        return None


# --- The family's side ------------------------------------------------------------------------


@login_required
def family_calendar(request):
    """Hearings, meetings and visits, as a list or a month, phone-first."""
    _family_only(request.user)
    now = timezone.now()
    month = _month(request)
    if request.GET.get("view") == "month" or month is not None:
        month = month or business_days.local_date(now).replace(day=1)
        return render(request, "events/family_month.html", {"weeks": selectors.month_grid(request.user, month=month), "month": month, "now": now})
    events = list(selectors.family_calendar(request.user, now=now))
    return render(
        request,
        "events/family_calendar.html",
        {
            "upcoming": [e for e in events if e.ends_at > now],
            "past": [e for e in events if e.ends_at <= now][::-1],
            "visits": selectors.family_visit_requests(request.user).filter(status__in=["asking", "offered"]),
            "now": now,
        },
    )


def _family_event_context(request, event, **forms) -> dict:
    invitation = event.my_invitation[0] if event.my_invitation else None
    now = timezone.now()
    return {
        "event": event,
        "invitation": invitation,
        "help_promise": selectors.help_promise(invitation),
        "respond_form": forms.get("respond_form")
        or RespondForm(initial={"response": invitation.response if invitation else "", "note": invitation.note if invitation else "", "sequence": event.sequence}),
        "observations_form": forms.get("observations_form") or ObservationsForm(),
        "observations": selectors.my_observations(request.user, event),
        "changed_meanwhile": forms.get("changed_meanwhile", False),
        "now": now,
        "is_upcoming": event.starts_at > now and not event.is_cancelled,
    }


@login_required
def family_event(request, pk):
    _family_only(request.user)
    event = selectors.family_event(request.user, pk)
    return render(request, "events/family_event.html", _family_event_context(request, event))


@login_required
@require_POST
def respond(request, pk):
    _family_only(request.user)
    event = selectors.family_event(request.user, pk)
    form = RespondForm(request.POST)
    changed = False
    if form.is_valid():
        try:
            services.respond(user=request.user, event=event, **form.cleaned_data)
        except services.EventChanged:
            # The time or place moved while they were answering: show the new details, keep their choice, ask again.
            changed = True
            event = selectors.family_event(request.user, pk)
            data = request.POST.copy()
            data["sequence"] = event.sequence
            form = RespondForm(data)
            form.is_valid()
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("Thank you. Your answer is saved and your caseworker can see it."))
            return redirect("events:family_event", event.pk)
    return render(request, "events/family_event.html", _family_event_context(request, event, respond_form=form, changed_meanwhile=changed))


@login_required
@require_POST
def observations(request, pk):
    _family_only(request.user)
    event = selectors.family_event(request.user, pk)
    form = ObservationsForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        sent = run_on_form(
            form,
            lambda: services.submit_observations(
                user=request.user, event=event, body=data["body"], files=data["files"], submission_key=data["submission_key"]
            ),
        )
        if sent is not FAILED:
            messages.success(request, _("Sent. Your caseworker will confirm receiving them within one business day."))
            return redirect("events:family_event", event.pk)
    return render(request, "events/family_event.html", _family_event_context(request, event, observations_form=form))


@login_required
def observation_file(request, pk):
    """A file sent with observations: for the family who sent it and the staff who see the event."""
    if not may_see_family_data(request.user):
        raise Http404
    upload = selectors.observation_file(request.user, pk, now=timezone.now())
    return private_file_response(upload.file, name=upload.name, content_type=upload.content_type)


@login_required
def family_visit(request, pk):
    """Offer times that suit the family for a worker's visit, or accept the time the worker proposed."""
    _family_only(request.user)
    visit = selectors.family_visit_request(request.user, pk)
    formset = SlotFormSet(request.POST or None, prefix="slots")
    if request.method == "POST":
        if request.POST.get("accept"):
            slot = selectors.visit_slot(visit, request.POST.get("accept"))
            try:
                services.accept_visit_time(user=request.user, slot=slot)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                messages.success(request, _("Booked. It is on your calendar."))
            return redirect("events:family_visit", visit.pk)
        if formset.is_valid():
            times = [(f.cleaned_data["starts_at"], f.cleaned_data["ends_at"]) for f in formset.forms if f.cleaned_data.get("starts_at")]
            try:
                services.offer_visit_times(user=request.user, request=visit, times=times)
            except (ValidationError, PermissionDenied) as error:
                formset._non_form_errors = formset.error_class(getattr(error, "messages", [str(error)]))
            else:
                messages.success(request, _("Thank you. %(worker)s will book one of your times.") % {"worker": visit.worker})
                return redirect("events:family_visit", visit.pk)
    return render(request, "events/family_visit.html", {"visit": visit, "formset": formset, "now": timezone.now()})


# --- The staff side ---------------------------------------------------------------------------


@login_required
def staff_calendar(request):
    _staff_only(request.user)
    now = timezone.now()
    return render(
        request,
        "events/staff_calendar.html",
        {
            "events": selectors.staff_calendar(request.user, now=now),
            "visits": selectors.staff_visit_requests(request.user, now=now).exclude(status__in=["booked", "withdrawn"]),
            "late": selectors.late_invitations(request.user, now=now)[:20],
            "now": now,
        },
    )


@login_required
def new_event(request):
    _staff_only(request.user)
    now = timezone.now()
    children = placement_policies.staff_children(request.user, now=now).filter(placements__ended_on__isnull=True, placements__isnull=False).distinct()
    households = policies.schedulable_households(request.user, now=now).order_by("name")
    form = EventForm(request.POST or None, children=children, households=households, initial={"child": request.GET.get("child")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event = run_on_form(
            form,
            lambda: services.schedule_event(
                actor=request.user, kind=data["kind"], hearing_type=data["hearing_type"], child=data["child"], household=data["household"],
                starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"], video_link=data["video_link"],
                purpose=data["purpose"], guests=data["guests"], now=now,
            ),
        )
        if event is not FAILED:
            if event.late_notice:
                messages.warning(
                    request,
                    _("Invited, with %(days)s business days' notice: less than the standard. Your supervisor is told; please also call the family.")
                    % {"days": event.notice_business_days},
                )
            else:
                messages.success(request, _("Invited. The family has the e-mail with the calendar file."))
            return redirect("events:staff_event", event.pk)
    return render(request, "events/staff_new.html", {"form": form})


def _staff_event_context(request, event, **forms) -> dict:
    now = timezone.now()
    local = event.starts_at.astimezone(business_days.agency_zone())
    return {
        "event": event,
        "now": now,
        "reschedule_form": forms.get("reschedule_form")
        or RescheduleForm(initial={"day": local.date(), "starts": local.time(), "ends": event.ends_at.astimezone(local.tzinfo).time(), "place": event.place, "video_link": event.video_link}),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(initial={"outcome": event.outcome, "next_hearing_on": event.next_hearing_on}),
        "help_form": HelpArrangedForm(),
        "is_upcoming": event.ends_at > now and not event.is_cancelled,
    }


@login_required
def staff_event(request, pk):
    _staff_only(request.user)
    event = selectors.staff_event(request.user, pk, now=timezone.now())
    return render(request, "events/staff_event.html", _staff_event_context(request, event))


def _staff_post(request, pk, form_class, key, call, success):
    _staff_only(request.user)
    now = timezone.now()
    event = selectors.staff_event(request.user, pk, now=now)
    form = form_class(request.POST)
    if form.is_valid() and run_on_form(form, lambda: call(event, form.cleaned_data, now)) is not FAILED:
        messages.success(request, success)
        return redirect("events:staff_event", event.pk)
    return render(request, "events/staff_event.html", _staff_event_context(request, event, **{key: form}))


@login_required
@require_POST
def reschedule(request, pk):
    return _staff_post(
        request, pk, RescheduleForm, "reschedule_form",
        lambda event, data, now: services.reschedule_event(
            actor=request.user, event=event, starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"],
            video_link=data["video_link"], reason=data["reason"], now=now,
        ),
        _("Moved. Every invitee has the new time and a calendar file that replaces the old entry."),
    )


@login_required
@require_POST
def cancel(request, pk):
    return _staff_post(
        request, pk, CancelForm, "cancel_form",
        lambda event, data, now: services.cancel_event(actor=request.user, event=event, reason=data["reason"], now=now),
        _("Cancelled. Every invitee is told why, with a file that removes it from their calendar."),
    )


@login_required
@require_POST
def outcome(request, pk):
    attended = {}
    for key, value in request.POST.items():
        if key.startswith("attended_") and key[9:].isdigit():
            attended[int(key[9:])] = value == "yes"
    return _staff_post(
        request, pk, OutcomeForm, "outcome_form",
        lambda event, data, now: services.record_outcome(
            actor=request.user, event=event, outcome=data["outcome"], next_hearing_on=data["next_hearing_on"], attended=attended, now=now
        ),
        _("Posted. The family reads it on their calendar and the child's page."),
    )


@login_required
@require_POST
def acknowledge_observations(request, pk):
    _staff_only(request.user)
    now = timezone.now()
    observation = selectors.staff_observation(request.user, pk, now=now)
    services.acknowledge_observations(actor=request.user, observation=observation, now=now)
    messages.success(request, _("The family sees that you received their observations."))
    return redirect("events:staff_event", observation.event_id)


@login_required
@require_POST
def help_arranged(request, pk):
    _staff_only(request.user)
    now = timezone.now()
    invitee = selectors.staff_invitee(request.user, pk, now=now)
    form = HelpArrangedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what was arranged."))
    else:
        try:
            services.arrange_help(actor=request.user, invitee=invitee, note=form.cleaned_data["note"], now=now)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Recorded. The family reads what was arranged."))
    return redirect("events:staff_event", invitee.event_id)


@login_required
def new_visit(request):
    _staff_only(request.user)
    now = timezone.now()
    households = Household.objects.filter(pk__in=placement_policies.staff_placements(request.user, now=now).values("household")) | Household.objects.filter(resource_worker=request.user)
    form = VisitRequestForm(request.POST or None, households=households.distinct().order_by("name"))
    if request.method == "POST" and form.is_valid():
        visit = run_on_form(form, lambda: services.ask_for_visit_times(actor=request.user, now=now, **form.cleaned_data))
        if visit is not FAILED:
            messages.success(request, _("The family is asked for times that suit them."))
            return redirect("events:staff_visit", visit.pk)
    return render(request, "events/staff_new_visit.html", {"form": form})


@login_required
def staff_visit(request, pk):
    """The times the family offered: book one, or propose another."""
    _staff_only(request.user)
    now = timezone.now()
    visit = selectors.staff_visit_request(request.user, pk, now=now)
    formset = SlotFormSet(request.POST or None, prefix="slots")
    if request.method == "POST":
        if request.POST.get("book"):
            slot = selectors.visit_slot(visit, request.POST.get("book"))
            try:
                event = services.book_visit(actor=request.user, slot=slot, now=now)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                messages.success(request, _("Booked. It is on your calendar and the family's."))
                return redirect("events:staff_event", event.pk)
            return redirect("events:staff_visit", visit.pk)
        if formset.is_valid():
            times = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("starts_at")]
            try:
                for time in times[:1]:
                    services.propose_visit_time(actor=request.user, request=visit, starts_at=time["starts_at"], ends_at=time["ends_at"], now=now)
            except (ValidationError, PermissionDenied) as error:
                formset._non_form_errors = formset.error_class(getattr(error, "messages", [str(error)]))
            else:
                if times:
                    messages.success(request, _("Proposed. The family can accept it or offer other times."))
                    return redirect("events:staff_visit", visit.pk)
    return render(request, "events/staff_visit.html", {"visit": visit, "formset": formset, "now": now})
