from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Household

from .models import ContactRecord


class ContactRecordForm(forms.Form):
    household = forms.ModelChoiceField(label=_("Resource family"), queryset=Household.objects.none())
    kind = forms.ChoiceField(label=_("How they reached us"), choices=ContactRecord.Kind.choices)
    received_at = forms.DateTimeField(
        label=_("Received"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    callback_number = forms.CharField(label=_("Number to call back (optional)"), max_length=30, required=False)
    summary = forms.CharField(label=_("What they asked for"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
