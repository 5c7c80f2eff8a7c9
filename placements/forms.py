from __future__ import annotations

import uuid

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Household, Role, User
from portal.forms import ModelMultipleChoiceField

from .models import ITEM_CONTENT_MAX, ChecklistEntry, Child, DisclosureItem, Medication, Placement
from .services import NOTE_MAX


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ChildForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    preferred_name = forms.CharField(
        label=_("Preferred name"), max_length=80, required=False, help_text=_("What the child likes to be called, if not the first name.")
    )
    last_name = forms.CharField(label=_("Last name"), max_length=80)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    languages = forms.CharField(label=_("Languages"), max_length=120, required=False, help_text=_("For example: English, Spanish"))
    caseworker = forms.ModelChoiceField(
        label=_("Caseworker"), queryset=User.objects.none(), required=False,
        help_text=_("Leave empty if you are the child's caseworker."),
    )
    siblings = ModelMultipleChoiceField(
        label=_("Brothers and sisters already in the portal"),
        queryset=Child.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = User.objects.filter(is_active=True, role=Role.CASEWORKER).order_by("last_name")
        self.fields["siblings"].queryset = children


class PlaceForm(forms.Form):
    """Place one child, or brothers and sisters together: one medication answer per child."""

    household = forms.ModelChoiceField(label=_("Resource family"), queryset=Household.objects.none())
    children = ModelMultipleChoiceField(
        label=_("Children to place"),
        queryset=Child.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        # Sent twice, or placed by a colleague meanwhile: the child is no longer waiting.
        error_messages={
            "invalid_choice": _("One of these children has just been placed. Check your list of disclosures before trying again.")
        },
    )
    started_on = forms.DateField(label=_("Placed on"), widget=DateInput())
    planned_end_on = forms.DateField(label=_("Planned end (if known)"), required=False, widget=DateInput())

    def __init__(self, *args, children, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].queryset = children
        self.fields["household"].queryset = households
        self.candidates = list(children)
        for child in self.candidates:
            self.fields[self.medication_field(child)] = forms.ChoiceField(
                label=_("Did %(child)s's medication come with them?") % {"child": child.called},
                choices=Placement.Medication.choices,
                widget=forms.RadioSelect,
                required=False,
            )

    @staticmethod
    def medication_field(child: Child) -> str:
        return f"medication_{child.pk}"

    def medication_fields(self):
        return [(child, self[self.medication_field(child)]) for child in self.candidates]

    def clean(self):
        cleaned = super().clean()
        for child in cleaned.get("children") or []:
            if not cleaned.get(self.medication_field(child)):
                self.add_error(
                    self.medication_field(child),
                    _("Answer whether %(child)s's medication came with them.") % {"child": child.called},
                )
        return cleaned

    def medication_answers(self) -> dict[int, str]:
        return {child.pk: self.cleaned_data.get(self.medication_field(child), "") for child in self.cleaned_data["children"]}


class ItemForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=DisclosureItem.Status.choices, widget=forms.RadioSelect)
    content = forms.CharField(
        label=_("What is known"), required=False, max_length=ITEM_CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    asked_whom = forms.CharField(
        label=_("Who was asked"), required=False, max_length=200,
        help_text=_("Needed when nothing is known after asking: for example, the birth mother and the school nurse."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class MedicationForm(forms.Form):
    name = forms.CharField(label=_("Medicine"), max_length=120)
    dose = forms.CharField(label=_("Dose"), max_length=120)
    schedule = forms.CharField(label=_("When to give it"), max_length=200)
    prescriber = forms.CharField(label=_("Prescribed by"), max_length=120, required=False)
    pharmacy = forms.CharField(label=_("Pharmacy"), max_length=200, required=False)
    # The empty extra line must read as untouched: its select shows this choice, and a different
    # initial would make Django treat the blank line as a medicine with its fields missing.
    supply = forms.ChoiceField(label=_("Supply"), choices=Medication.Supply.choices, initial=Medication.Supply.NONE)
    refill_on = forms.DateField(label=_("Next refill"), required=False, widget=DateInput())


MedicationFormSet = formset_factory(MedicationForm, extra=1, can_delete=True, max_num=20, validate_max=True)


class MedicationSortedForm(forms.Form):
    note = forms.CharField(
        label=_("How was the medication arranged?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The family reads this: for example, “Prescription sent to Walgreens on State St., ready after 4 pm.”"),
    )


class EndPlacementForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput())
    end_reason = forms.ChoiceField(label=_("Why the placement ended"), choices=[("", "—")] + list(Placement.EndReason.choices))


class CorrectDatesForm(forms.Form):
    started_on = forms.DateField(label=_("Placed on"), widget=DateInput())
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput(), required=False, help_text=_("Only for a placement that has ended."))
    why = forms.CharField(label=_("Why the dates change"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class RespiteForm(forms.Form):
    provider_name = forms.CharField(label=_("Respite provider"), max_length=120)
    provider_email = forms.EmailField(
        label=_("Their e-mail"), required=False, help_text=_("We e-mail them the private link. Leave empty to give the link yourself.")
    )
    entries = ModelMultipleChoiceField(
        label=_("Items they may read"), queryset=ChecklistEntry.objects.filter(active=True), widget=forms.CheckboxSelectMultiple
    )
    starts_at = forms.DateTimeField(label=_("From"), widget=DateTimeInput())
    expires_at = forms.DateTimeField(label=_("Until"), widget=DateTimeInput())


class NeedForm(forms.Form):
    need = forms.CharField(label=_("What the family needs"), max_length=300, help_text=_("In the family's words, for example “Winter clothes for a 7-year-old”."))
    source = forms.CharField(label=_("Who would you share it with?"), max_length=200)


class NeedOutcomeForm(forms.Form):
    met = forms.TypedChoiceField(
        label=_("Was the need met?"), choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("What happened"), max_length=500, required=False)


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Your note"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class QuestionForm(forms.Form):
    body = forms.CharField(label=_("Your question"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ConsentForm(forms.Form):
    consent = forms.TypedChoiceField(
        label=_("May we share it?"),
        choices=[("yes", _("Yes, share it")), ("no", _("No, do not share it"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class ThanksForm(forms.Form):
    note = forms.CharField(
        label=_("Your note to the family"),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In your own words. It reaches them as a message in the portal; the e-mail says only that there is one."),
        error_messages={"min_length": _("Write a few words of your own: at least 20 characters.")},
    )
