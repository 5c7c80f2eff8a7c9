"""Input shape for the family's claim pages; the rules live in services.py."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from messaging.attachments import MAX_ATTACHMENTS, check_attachment

from .models import Claim

FAMILY_KINDS = [(value, label) for value, label in Claim.Kind.choices if value != Claim.Kind.CLOTHING]
MAX_LINES = 40


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReceiptsField(forms.FileField):
    """Photos or PDFs of receipts, straight from a phone's camera; each checked by what it contains."""

    # image/* lets a phone offer its camera as well as its photos; HEIC (an iPhone's default) is accepted.
    widget = MultipleFileInput(attrs={"accept": "image/*,application/pdf"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("Attach up to %(count)s receipts to one claim.") % {"count": MAX_ATTACHMENTS})
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(check_attachment(upload, allow_heic=True))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


def _receipts_field(label):
    return ReceiptsField(
        label=label,
        required=False,
        help_text=_("Take a photo or choose a PDF. JPEG, PNG, HEIC or PDF, up to 10 MB each, 5 at most."),
    )


class SubmissionKeyField(forms.CharField):
    """A hidden key made when the form is first shown: a double tap sends it twice and makes one claim."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        try:
            return uuid.UUID(str(value or "").strip())
        except ValueError:
            return uuid.uuid4()  # a mangled key cannot be fixed by the family; start a fresh one


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is the claim for?"), choices=FAMILY_KINDS, widget=forms.RadioSelect)
    child = forms.TypedChoiceField(label=_("Which child is it for?"), coerce=int, required=False, empty_value=None)
    receipts = _receipts_field(_("Receipts"))
    note = forms.CharField(
        label=_("Anything fiscal staff should know (optional)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm_duplicate = forms.BooleanField(label=_("Yes, this is a different expense: send it anyway"), required=False)
    submission_key = SubmissionKeyField()

    def __init__(self, *args, children=(), trips=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [("", _("Not for one child (or several)"))] + [
            (pk, _("%(name)s (no longer with you)") % {"name": name} if was else name) for pk, name, was in children
        ]
        self.trips = list(trips)
        if not self.is_bound and not self.initial.get("submission_key"):
            self.initial["submission_key"] = str(uuid.uuid4())


class TripForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    from_place = forms.CharField(label=pgettext_lazy("a trip", "From"), max_length=200)
    to_place = forms.CharField(label=pgettext_lazy("a trip", "To"), max_length=200)
    description = forms.CharField(label=_("Why (for example: court hearing)"), max_length=200)
    miles = forms.DecimalField(
        label=_("Miles"), max_digits=6, decimal_places=1, min_value=Decimal("0.1"), max_value=Decimal(1000),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1", "min": "0.1"}),
    )
    event_id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class ExpenseForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    description = forms.CharField(label=_("What it was for"), max_length=200)
    amount = forms.DecimalField(
        label=_("Amount ($)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal(10000),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01"}),
    )


TripFormSet = forms.formset_factory(TripForm, extra=2, max_num=MAX_LINES, validate_max=True, absolute_max=MAX_LINES)
ExpenseFormSet = forms.formset_factory(ExpenseForm, extra=2, max_num=MAX_LINES, validate_max=True, absolute_max=MAX_LINES)


class ResubmitForm(forms.Form):
    note = forms.CharField(
        label=_("Your answer"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what you changed or answer the question."),
    )
    receipts = _receipts_field(_("Receipts to add"))


class LinesFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this line")


# Fixing a claim: the lines as they are, each one can be changed or removed, and one more added.
ResubmitTripFormSet = forms.formset_factory(
    TripForm, formset=LinesFormSet, extra=1, can_delete=True, max_num=MAX_LINES, validate_max=True, absolute_max=MAX_LINES
)
ResubmitExpenseFormSet = forms.formset_factory(
    ExpenseForm, formset=LinesFormSet, extra=1, can_delete=True, max_num=MAX_LINES, validate_max=True, absolute_max=MAX_LINES
)
