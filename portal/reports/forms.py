from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Office, Team, User

from . import policies
from .selectors import OUTCOMES, Period

MAX_MONTHS = 24
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month picker sends that), read as its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2027-03", "inputmode": "numeric"})
    default_error_messages = {"invalid": _("Enter a month as year and month, for example 2027-03.")}

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = _MONTH.match(value)
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        year, month = int(match[1]), int(match[2])
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(year, month, 1)


def _person_label(person: User) -> str:
    return str(person)


class PeriodForm(forms.Form):
    """Whole months up to this one: the service report's period, and the satisfaction results'."""

    since = MonthField(label=_("From (month)"), required=False)
    until = MonthField(label=_("To (month)"), required=False)

    def __init__(self, *args, this_month: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.this_month = this_month

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if until and until > self.this_month:
            self.add_error("until", _("Choose this month or an earlier one: later promises are not due yet."))
        if since and until and since > until:
            self.add_error("until", _("The last month cannot be before the first."))
        elif since and until and _months_between(since, until) > MAX_MONTHS:
            self.add_error("until", _("Choose at most %(months)d months at a time.") % {"months": MAX_MONTHS})
        return data

    def period(self) -> Period:
        """The chosen months, or the last six months up to this one."""
        default_since = _months_back(self.this_month, 5)
        if not self.is_bound or not self.is_valid():
            return Period(default_since, self.this_month)
        until = self.cleaned_data.get("until") or self.this_month
        since = self.cleaned_data.get("since") or min(default_since, until)
        if since > until:
            since = until
        return Period(since, until)


class ReportFilterForm(PeriodForm):
    """The period and the part of the agency: every choice limited to what the person may see."""

    office = forms.ModelChoiceField(label=_("Office"), queryset=Office.objects.none(), required=False, empty_label=_("All"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All"))
    worker = forms.ModelChoiceField(label=_("Worker"), queryset=User.objects.none(), required=False, empty_label=_("All"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = policies.reportable_offices(user).order_by("name")
        self.fields["team"].queryset = policies.reportable_teams(user).select_related("office").order_by("name")
        self.fields["worker"].queryset = policies.reportable_workers(user).order_by("last_name", "first_name")
        self.fields["worker"].label_from_instance = _person_label
        if not self.fields["office"].queryset.exists():
            del self.fields["office"]

    def unit(self) -> tuple[str, object | None]:
        """The narrowest part chosen: ("worker", person), ("team", team), ("office", office) or ("agency", None)."""
        if not self.is_bound or not self.is_valid():
            return "agency", None
        for name in ("worker", "team", "office"):
            if self.cleaned_data.get(name):
                return name, self.cleaned_data[name]
        return "agency", None


class OutcomeForm(forms.Form):
    """Which number of the report the list is behind."""

    standard = forms.SlugField(required=False)
    outcome = forms.ChoiceField(choices=[("", "")] + [(o, o) for o in OUTCOMES], required=False)
    month = MonthField(required=False)


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)
