from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import business_days
from portal.accounts.models import Household, Role

from . import selectors, services
from .forms import CancelForm, ReassignForm
from .policies import visible_commitments


def _staff_only(user):
    if not user.is_agency_staff:
        raise Http404


@login_required
def family_home(request):
    user = request.user
    if user.role != Role.RESOURCE_PARENT:
        return redirect("home")
    now = timezone.now()
    owed = list(selectors.open_commitments_for_family(user))
    chased = selectors.chased_commitment_ids(owed)
    for commitment in owed:
        commitment.is_overdue = commitment.due_at < now
        commitment.was_chased = commitment.pk in chased
    household = Household.objects.select_related(
        "county", "resource_worker__team__supervisor", "resource_worker__team__office"
    ).get(pk=user.household_id)
    context = {
        "household": household,
        "on_call_phone": settings.AGENCY_ON_CALL_PHONE,
        "office_hours": business_days.office_hours(),
        "owed": selectors.grouped_for_family(owed),
        "kept": selectors.with_family_titles(selectors.recently_met_for_family(user, now=now)[:10]),
        "now": now,
    }
    return render(request, "followups/family_home.html", context)


@login_required
def my_day(request):
    _staff_only(request.user)
    return _worker_day(request, request.user, selectors.my_day(request.user), is_self=True)


# A worker's open promises, soonest first, a page at a time: the most urgent are always on the first page,
# and a worker with a hundred and fifty open promises does not wait for all of them to be drawn.
DAY_PAGE_SIZE = 50


def _worker_day(request, worker, commitments, *, is_self: bool):
    now = timezone.now()
    page = Paginator(commitments, DAY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.with_office_time_left(page.object_list, now=now)
    return render(
        request, "followups/my_day.html",
        {"commitments": rows, "page": page, "total": page.paginator.count, "now": now, "worker": worker, "is_self": is_self},
    )


@login_required
def my_team(request):
    if request.user.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        raise Http404
    now = timezone.now()
    weeks = selectors.on_time_rate_by_week(request.user, now=now)
    return render(
        request,
        "followups/my_team.html",
        {"load": selectors.team_load(request.user, now=now), "weeks": weeks, "now": now},
    )


@login_required
def team_worker(request, worker_pk):
    if request.user.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        raise Http404
    worker, commitments = selectors.worker_commitments(request.user, worker_pk)
    return _worker_day(request, worker, commitments, is_self=False)


@login_required
def commitment(request, pk):
    _staff_only(request.user)
    item = selectors.commitment_detail(request.user, pk)
    events = item.events.select_related("actor", "from_owner", "to_owner")
    return render(
        request,
        "followups/commitment.html",
        {
            "item": item,
            "events": events,
            "reassign_form": ReassignForm(),
            "cancel_form": CancelForm(),
            "now": timezone.now(),
            "from_team": item.owner_id != request.user.pk and request.user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR),
        },
    )


@login_required
@require_POST
def meet(request, pk):
    _staff_only(request.user)
    item = get_object_or_404(visible_commitments(request.user), pk=pk)
    was_open = item.is_open
    item = services.meet_commitment(commitment=item, actor=request.user)
    if was_open:
        messages.success(request, _("Marked as met. The family's list is up to date."))
    else:
        messages.info(request, _("This promise was already closed."))
    return redirect("followups:my_day")


@login_required
@require_POST
def reassign(request, pk):
    _staff_only(request.user)
    item = get_object_or_404(visible_commitments(request.user), pk=pk)
    form = ReassignForm(request.POST)
    if form.is_valid():
        try:
            services.reassign_commitment(commitment=item, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Handed to %(name)s. The deadline has not moved.") % {"name": form.cleaned_data["to_owner"]})
            return redirect("followups:my_day")
    else:
        messages.error(request, _("Choose the colleague to hand this promise to."))
    return redirect("followups:commitment", pk=pk)


@login_required
@require_POST
def cancel(request, pk):
    _staff_only(request.user)
    item = get_object_or_404(visible_commitments(request.user), pk=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        services.cancel_commitment(commitment=item, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Promise cancelled; the reason is kept in its history."))
        return redirect("followups:my_day")
    messages.error(request, _("Say why this promise no longer applies."))
    return redirect("followups:commitment", pk=pk)


@login_required
@require_POST
def still_waiting(request, pk):
    if request.user.role != Role.RESOURCE_PARENT:  # the family presses it; staff have the promise page
        raise Http404
    item = get_object_or_404(visible_commitments(request.user), pk=pk)
    try:
        result = services.chase_commitment(commitment=item, actor=request.user)
    except PermissionDenied:
        messages.info(request, _("This promise is not past its deadline yet, or it has been kept."))
    else:
        supervisor = services.supervisor_of(item.owner)
        if result.notified:
            messages.success(
                request,
                _("Thank you for telling us. We have let %(name)s know, and we are sorry for the wait.")
                % {"name": supervisor or item.owner},
            )
        else:
            messages.info(
                request,
                _("You told us on %(date)s and %(name)s knows. We are sorry you are still waiting.")
                % {"date": date_format(business_days.local_date(result.chased_at), "DATE_FORMAT"), "name": supervisor or item.owner},
            )
    return redirect("followups:family_home")
