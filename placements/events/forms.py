from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from messaging.forms import AttachmentsField
from portal import business_days

from .models import OBSERVATIONS_MAX, Event, Invitee, VisitRequest


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class WhenMixin:
    """A local date with a start and an end time, in the agency's zone; a time the clocks skip or repeat is refused."""

    def clean_when(self, cleaned):
        day, start, end = cleaned.get("day"), cleaned.get("starts"), cleaned.get("ends")
        if day is None or start is None or end is None:
            return cleaned
        try:
            cleaned["starts_at"] = business_days.local_datetime(day, start)
            cleaned["ends_at"] = business_days.local_datetime(day, end)
        except business_days.AmbiguousLocalTime:
            raise ValidationError(
                _("The clocks change at that time on this day, so it happens twice or not at all. Choose a time at least an hour away.")
            ) from None
        return cleaned


class EventForm(WhenMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=Event.Kind.choices)
    hearing_type = forms.ChoiceField(label=_("Type of hearing"), choices=[("", "—")] + list(Event.HearingType.choices), required=False)
    child = forms.ModelChoiceField(label=_("Child"), queryset=None, required=False)
    household = forms.ModelChoiceField(label=_("Or a resource family (for a licensing visit)"), queryset=None, required=False)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    starts = forms.TimeField(label=_("Starts"), widget=TimeInput())
    ends = forms.TimeField(label=_("Ends"), widget=TimeInput())
    place = forms.CharField(label=_("Where"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    purpose = forms.CharField(label=_("What it is for"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    guests = forms.CharField(
        label=_("Invite others too"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name and e-mail, for example “Ana Ruiz, ana.ruiz@example.org”. They get the e-mail and the calendar file."),
    )

    def __init__(self, *args, children, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        self.fields["household"].queryset = households

    def clean_guests(self):
        from .services import Guest

        guests = []
        for line in (self.cleaned_data.get("guests") or "").splitlines():
            if not line.strip():
                continue
            name, _comma, email = line.rpartition(",")
            email = email.strip()
            try:
                forms.EmailField().clean(email)
            except ValidationError:
                raise ValidationError(_("“%(line)s” needs a name, a comma and an e-mail address.") % {"line": line.strip()[:80]}) from None
            guests.append(Guest(name=name.strip() or email, email=email))
        return guests

    def clean(self):
        return self.clean_when(super().clean())


class RescheduleForm(WhenMixin, forms.Form):
    day = forms.DateField(label=_("New date"), widget=DateInput())
    starts = forms.TimeField(label=_("Starts"), widget=TimeInput())
    ends = forms.TimeField(label=_("Ends"), widget=TimeInput())
    place = forms.CharField(label=_("Where"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    reason = forms.CharField(label=_("Why it moves (the family reads this)"), max_length=300)

    def clean(self):
        return self.clean_when(super().clean())


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled (the family reads this)"), max_length=300)


class RespondForm(forms.Form):
    response = forms.ChoiceField(label=_("Will you attend?"), choices=Invitee.Response.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Anything we should know (optional)"), max_length=300, required=False)
    sequence = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ObservationsForm(forms.Form):
    body = forms.CharField(
        label=_("Your observations"), max_length=OBSERVATIONS_MAX, required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("How the child is doing with you: health, school, visits, behaviour, what they told you they want."),
    )
    files = AttachmentsField(label=_("Documents or photos (optional)"), required=False, help_text=_("PDF, JPEG or PNG, up to 10 MB each, 5 files at most."))
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class HelpArrangedForm(forms.Form):
    note = forms.CharField(label=_("What was arranged"), max_length=300)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("What happened, in plain words"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Decisions, changes to the case plan or to visits, and what happens next."),
    )
    next_hearing_on = forms.DateField(label=_("Next hearing (if set)"), required=False, widget=DateInput())


class VisitRequestForm(forms.Form):
    household = forms.ModelChoiceField(label=_("Resource family"), queryset=None)
    kind = forms.ChoiceField(label=_("Visit"), choices=VisitRequest._meta.get_field("kind").choices)
    purpose = forms.CharField(label=_("What the visit is for"), max_length=300)
    between_from = forms.DateField(label=_("Any day from"), widget=DateInput())
    between_until = forms.DateField(label=_("Until"), widget=DateInput())

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households


class SlotForm(WhenMixin, forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput())
    starts = forms.TimeField(label=_("From"), widget=TimeInput())
    ends = forms.TimeField(label=_("To"), widget=TimeInput())

    def clean(self):
        return self.clean_when(super().clean())


SlotFormSet = forms.formset_factory(SlotForm, extra=3, max_num=3, validate_max=True)
