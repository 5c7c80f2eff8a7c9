from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import County

from .models import ClosedReason, ContactLog, ContactWay, Interest, Stage


class InquiryForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Tell us your name, so that we know who to ask for.")},
    )
    email = forms.EmailField(
        label=_("E-mail address"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone number"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )
    contact_way = forms.ChoiceField(label=_("How should we reach you?"), choices=ContactWay.choices, widget=forms.RadioSelect)
    best_time = forms.CharField(
        label=_("Best time to call (optional)"), max_length=120, required=False, help_text=_("For example: weekday evenings after 6")
    )
    language = forms.ChoiceField(label=_("Language we should use"), choices=settings.LANGUAGES, widget=forms.RadioSelect)
    county = forms.ModelChoiceField(label=_("Your county"), queryset=County.objects.order_by("name"), empty_label=_("Choose…"))
    interest = forms.ChoiceField(label=_("What are you interested in?"), choices=Interest.choices, widget=forms.RadioSelect)
    questions = forms.CharField(
        label=_("Your questions (optional)"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Ask anything. Many people first ask about money — how board payments and reimbursements work. "
            "That is a good question to start with."
        ),
    )
    # A field people never see: software that fills every field fills this one too.
    website = forms.CharField(label=_("Leave this empty"), required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))
    submission_key = forms.UUIDField(widget=forms.HiddenInput)


class ResendLinkForm(forms.Form):
    email = forms.EmailField(label=_("The e-mail address you gave us"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class ContactLogForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What happened?"),
        choices=[(value, label) for value, label in ContactLog.Kind.choices if value != ContactLog.Kind.INQUIRED_AGAIN],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=[(v, label) for v, label in Stage.choices if v not in (Stage.NEW,)])
    closed_reason = forms.ChoiceField(
        label=_("Reason, if closing"), choices=[("", _("—"))] + list(ClosedReason.choices), required=False
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class NextStepForm(forms.Form):
    description = forms.CharField(
        label=_("What did you promise them?"), max_length=200, help_text=_("For example: send the application form")
    )


class ReassignForm(forms.Form):
    to_worker = forms.ModelChoiceField(label=_("Hand to"), queryset=None)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_worker"].queryset = workers


class FunnelFilterForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until (not included)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
