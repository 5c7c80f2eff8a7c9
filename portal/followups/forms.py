from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import STAFF_ROLES, User


class ReassignForm(forms.Form):
    to_owner = forms.ModelChoiceField(
        label=_("Hand to"), queryset=User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("last_name")
    )
    note = forms.CharField(label=_("Note for your colleague"), max_length=300, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why this promise no longer applies"), max_length=300)
