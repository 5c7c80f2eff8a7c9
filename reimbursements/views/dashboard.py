"""The fiscal patterns dashboard: where claims age, who and what is late, why claims go back, how long paying takes."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import business_days
from portal.spreadsheets import csv_response

from .. import patterns, policies

PERIODS = {"3": 3, "6": 6, "12": 12}


@login_required
def patterns_page(request):
    if not policies.is_fiscal(request.user):
        raise Http404
    now = timezone.now()
    months = PERIODS.get(request.GET.get("months", ""), 6)
    since = now - timedelta(days=round(30.5 * months))
    late = patterns.late_by(now=now, since=since)
    # name: (what a row is, what its figure is, the rows)
    tables = {
        "ageing": (_("Age"), _("Open claims"), patterns.ageing(now=now)),
        "late_county": (_("County"), _("Late"), late["county"]),
        "late_kind": (_("Kind of claim"), _("Late"), late["kind"]),
        "late_clerk": (_("Fiscal clerk"), _("Late"), late["clerk"]),
        "info_reasons": (_("What was needed"), _("Times asked"), patterns.info_reasons(since=since)),
        "days_to_pay": (_("Month paid"), _("Average days from received to paid"), patterns.days_to_pay(today=business_days.local_date(now))),
    }
    table = request.GET.get("table")
    if request.GET.get("format") == "csv":
        if table not in tables:
            raise Http404
        label, value_label, rows = tables[table]
        header = [label, value_label] + ([_("Claims paid")] if table == "days_to_pay" else [])
        lines = [[row.label, row.value] + ([row.count] if table == "days_to_pay" else []) for row in rows]
        return csv_response(f"fiscal-{table}.csv", header, lines)
    sections = [
        ("ageing", _("How long open claims have waited"), _("Claims not yet paid or refused, by business days since they were received.")),
        ("late_county", _("Late, by county"), _("Claims whose decision or payment was late, or is overdue now, by the family's county.")),
        ("late_kind", _("Late, by kind of claim"), _("The same late claims, by what was claimed.")),
        ("late_clerk", _("Late, by fiscal clerk"), _("The same late claims, by the clerk who had the promise.")),
        ("info_reasons", _("Why claims were sent back"), _("The reasons chosen when more information was asked of a family, most frequent first.")),
        ("days_to_pay", _("Average days to pay"), _("Calendar days from a claim being received to being paid, by the month it was paid (the last 12 months).")),
    ]
    return render(
        request,
        "reimbursements/staff_patterns.html",
        {
            "sections": [
                {"name": name, "title": title, "description": description, "label": tables[name][0], "value_label": tables[name][1], "rows": tables[name][2]}
                for name, title, description in sections
            ],
            "months": months,
            "periods": sorted(PERIODS.values()),
            "now": now,
        },
    )
