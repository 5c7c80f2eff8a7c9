"""The service report: supervisors for their teams, office managers for their offices, administrators for all."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import business_days
from portal.accounts.models import Role
from portal.followups.models import ServiceStandard
from portal.spreadsheets import csv_response

from . import policies, selectors
from .forms import OutcomeForm, ReportFilterForm

BREAKDOWN = {"agency": "office", "office": "team", "team": "worker", "worker": None}
PROMISES_PAGE_SIZE = 50


def _report(request):
    """Who may see it, the filter, and the promises it counts: shared by the page, the CSV and the lists."""
    if not policies.may_see_report(request.user):
        raise Http404
    now = timezone.now()
    this_month = business_days.local_date(now).replace(day=1)
    form = ReportFilterForm(request.GET or None, user=request.user, this_month=this_month)
    period = form.period()
    unit, chosen = form.unit()
    commitments = selectors.promises_in(period, policies.report_scope(request.user))
    if unit == "worker":
        commitments = commitments.filter(owner=chosen)
    elif unit in ("team", "office"):
        commitments = commitments.filter(**{unit: chosen})
    return form, period, unit, chosen, commitments, now


def _breakdown_unit(user, unit: str) -> str | None:
    """The next level down from what is shown: a supervisor of one team sees its workers straight away."""
    if unit != "agency" or user.role == Role.ADMINISTRATOR:
        return BREAKDOWN[unit]
    offices = policies.reportable_offices(user).count()
    if offices > 1:
        return "office"
    return "team" if offices == 1 or policies.reportable_teams(user).count() > 1 else "worker"


def _filter_query(request, **changes) -> str:
    """The report's own parameters, with some changed: for links that narrow or drill down."""
    query = QueryDict(mutable=True)
    for name in ("since", "until", "office", "team", "worker"):
        value = request.GET.get(name)
        if value:
            query[name] = value
    for name, value in changes.items():
        if value in (None, ""):
            query.pop(name, None)
        else:
            query[name] = value
    return query.urlencode()


@login_required
def service_report(request):
    form, period, unit, chosen, commitments, now = _report(request)
    standards = selectors.by_standard(commitments, now=now)
    breakdown_unit = _breakdown_unit(request.user, unit)
    breakdown = selectors.by_unit(commitments, breakdown_unit, now=now) if breakdown_unit else []
    for row in breakdown:
        row.extra["narrow_query"] = _filter_query(request, **{breakdown_unit: row.key}) if row.key else ""
    months = selectors.by_month(commitments, period, now=now)
    for row in standards:
        row.extra["list_query"] = _filter_query(request, standard=row.key)
    for row in months:
        row.extra["list_query"] = _filter_query(request, month=f"{row.key:%Y-%m}")
    context = {
        "form": form,
        "period": period,
        "unit": unit,
        "chosen": chosen,
        "standards": [row for row in standards if row.promises],
        "idle_standards": [row for row in standards if not row.promises],
        "overall": selectors.total(standards),
        "breakdown_unit": breakdown_unit,
        "breakdown": breakdown,
        "months": months,
        "query": _filter_query(request),
        "now": now,
    }
    return render(request, "reports/service_report.html", context)


@login_required
def service_report_csv(request):
    form, period, unit, chosen, commitments, now = _report(request)
    header = [
        "standard", "code", "period_from", "period_to", "scope", "promises", "met_on_time", "met_late", "missed",
        "not_yet_due", "escalated", "on_time_percent", "target_percent", "exceeded_percent", "verdict",
        "median_office_minutes_to_meet", "p90_office_minutes_to_meet",
    ]
    scope = str(chosen) if chosen else _("Whole agency") if request.user.role == "administrator" else _("Your teams")
    rows = [
        [
            row.label, row.key, f"{period.first:%Y-%m}", f"{period.last:%Y-%m}", scope, row.promises, row.on_time, row.late,
            row.missed, row.not_yet_due, row.escalated, "" if row.percent is None else row.percent, row.standard.target_percent,
            row.standard.exceeded_percent, row.verdict or "", _minutes(row.median_minutes), _minutes(row.p90_minutes),
        ]
        for row in selectors.by_standard(commitments, now=now)
    ]
    return csv_response(f"service-report-{period.first:%Y-%m}-{period.last:%Y-%m}.csv", header, rows)


def _minutes(value) -> str:
    return "" if value is None else f"{value:.1f}"


@login_required
def service_report_promises(request):
    """The list behind a number: the promises of one standard, one outcome, one month."""
    form, period, unit, chosen, commitments, now = _report(request)
    which = OutcomeForm(request.GET)
    if not which.is_valid():
        raise Http404
    standard_code, outcome, month = (which.cleaned_data[name] for name in ("standard", "outcome", "month"))
    standard = None
    if standard_code:
        standard = ServiceStandard.objects.filter(code=standard_code).first()
        if standard is None:
            raise Http404
        commitments = commitments.filter(standard=standard)
    if month:
        if not period.first <= month <= period.last:
            raise Http404
        commitments = commitments.filter(
            due_at__gte=business_days.start_of_day(month), due_at__lt=business_days.start_of_day(selectors.next_month(month))
        )
    if outcome:
        commitments = selectors.with_outcome(commitments, outcome, now=now)
    commitments = commitments.select_related("standard", "household", "owner", "team").order_by("due_at", "pk")
    page = Paginator(commitments, PROMISES_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "period": period,
        "chosen": chosen,
        "standard": standard,
        "outcome": outcome,
        "month": month,
        "page": page,
        "now": now,
        "back_query": _filter_query(request),
        "query": _filter_query(request, standard=standard_code, outcome=outcome, month=request.GET.get("month")),
    }
    return render(request, "reports/promises.html", context)
