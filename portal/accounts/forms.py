from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import User


class AcceptInvitationForm(forms.Form):
    title = forms.CharField(label=_("Title (optional)"), max_length=20, required=False, help_text=_("Mr., Ms., Mrs., Dr.…"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. A short sentence is easy to remember."),
    )
    password2 = forms.CharField(label=_("Type the password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned


class InvitationForm(forms.Form):
    title = forms.CharField(label=_("Title (optional)"), max_length=20, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))


class AbsenceForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("Who is away"), queryset=User.objects.none())
    starts_on = forms.DateField(label=_("First day away"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Last day away"), widget=forms.DateInput(attrs={"type": "date"}))
    cover = forms.ModelChoiceField(label=_("Covering colleague"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note for colleagues (optional)"), max_length=200, required=False)

    def __init__(self, *args, workers, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["cover"].queryset = colleagues


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
