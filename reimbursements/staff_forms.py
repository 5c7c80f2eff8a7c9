"""Fiscal staff's forms: input shape only; the services decide what is allowed."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.forms import ModelMultipleChoiceField

from . import policies, services
from .fiscal_selectors import QUEUE_STATUSES
from .models import BoardPayment, Claim

MAX_EXPORT_DAYS = 366


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind of claim"), required=False, choices=[("", _("Any kind")), *Claim.Kind.choices])
    clerk = forms.ModelChoiceField(label=_("Fiscal clerk"), required=False, queryset=User.objects.none(), empty_label=_("Anyone"))
    mine = forms.BooleanField(label=_("Only claims assigned to me"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status with fiscal staff")), *[(s.value, s.label) for s in QUEUE_STATUSES]]
        self.fields["clerk"].queryset = policies.fiscal_clerks()


class BulkClaimsForm(forms.Form):
    action = forms.ChoiceField(label=_("With the checked claims"), choices=[("take", _("Take them (I review them)")), ("approve", _("Approve them"))])
    claims = ModelMultipleChoiceField(queryset=Claim.objects.none(), error_messages={"required": _("Check at least one claim.")})

    def __init__(self, *args, claims=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].queryset = claims if claims is not None else Claim.objects.none()


class NoteField(forms.CharField):
    def __init__(self, *, label, required=False, help_text="", max_length=1000):
        super().__init__(label=label, required=required, help_text=help_text, max_length=max_length, widget=forms.Textarea(attrs={"rows": 3}))


class TakeForm(forms.Form):
    pass


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Hand over to"), queryset=User.objects.none(), empty_label=_("Choose a fiscal clerk"))
    note = NoteField(label=_("Note for your colleague"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = policies.fiscal_clerks()


class InfoForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is needed"), choices=[("", _("Choose what is needed")), *Claim.InfoReason.choices])
    note = NoteField(label=_("What the family should send or change"), help_text=_("The family reads this. Use plain words."))


class ApproveForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Approved amount (if different)"), required=False, max_digits=10, decimal_places=2, min_value=Decimal("0.01"),
        help_text=_("Leave empty to approve the amount claimed."),
    )
    note = NoteField(label=_("Note"), help_text=_("Needed when the amount differs; the family reads it."))


class AllowanceAmountForm(forms.Form):
    amount = forms.DecimalField(label=_("Clothing allowance amount"), max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    note = NoteField(label=_("How the amount was set"), help_text=_("The family reads this."))


class DenyForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why it is not approved"), choices=[("", _("Choose a reason")), *Claim.DenialReason.choices])
    note = NoteField(label=_("Explain the decision"), help_text=_("The family reads this, with how to appeal."))


class PaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    payment_number = forms.CharField(label=_("Cheque or EFT number"), max_length=40)


# The claim page's action forms, by the name their submit button posts.
CLAIM_ACTIONS = {
    "take": TakeForm,
    "reassign": ReassignForm,
    "info": InfoForm,
    "approve": ApproveForm,
    "deny": DenyForm,
    "paid": PaidForm,
    "amount": AllowanceAmountForm,
}


class BoardFilterForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), required=False, help_text=_("For example 2026-11."), widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": r"\d{4}-\d{2}", "autocomplete": "off"})
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *BoardPayment.Status.choices])

    def clean_month(self) -> date | None:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        if not re.fullmatch(r"\d{4}-\d{2}", value):
            raise forms.ValidationError(_("Enter a month like 2026-11."))
        try:
            return date(int(value[:4]), int(value[5:]), 1)
        except ValueError:
            raise forms.ValidationError(_("Enter a month like 2026-11.")) from None


BOARD_MOVES = [
    (BoardPayment.Status.APPROVED, _("Approve")),
    (BoardPayment.Status.SENT, _("Mark sent")),
    (BoardPayment.Status.HELD, _("Hold (give the reason)")),
    (BoardPayment.Status.SCHEDULED, _("Release to scheduled")),
    (BoardPayment.Status.RETURNED, _("Mark returned (give the reason)")),
]


class BoardMoveForm(forms.Form):
    to = forms.ChoiceField(label=_("With the checked payments"), choices=[("", _("Choose what to do")), *BOARD_MOVES])
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=300, help_text=_("Needed to hold or mark returned; the family reads it.")
    )
    payments = ModelMultipleChoiceField(queryset=BoardPayment.objects.none(), error_messages={"required": _("Check at least one payment.")})

    def __init__(self, *args, payments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payments"].queryset = payments if payments is not None else BoardPayment.objects.none()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Accounting CSV file"),
        help_text=_("Columns: reference, paid_date, amount, payment_number. UTF-8, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > services.MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB. Split it by month and upload each part."))
        return upload


class ExportForm(forms.Form):
    WHAT = [("claims", _("Claims")), ("board", _("Board payments")), ("all", _("Both"))]

    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    what = forms.ChoiceField(label=_("What"), choices=WHAT, initial="claims", widget=forms.RadioSelect)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until:
            if until < since:
                self.add_error("until", _("The end date is before the start date."))
            elif until - since > timedelta(days=MAX_EXPORT_DAYS):
                self.add_error("until", _("Export at most one year at a time."))
        return data
