from django import forms
from django.utils.translation import gettext_lazy as _

SCORES = [
    (5, _("5 — Very well")),
    (4, _("4 — Well")),
    (3, _("3 — Neither well nor badly")),
    (2, _("2 — Badly")),
    (1, _("1 — Very badly")),
]


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How well did we keep our promises to you?"), choices=SCORES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Anything you want us to know (optional)"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    may_contact = forms.BooleanField(
        label=_("You may contact me about my answer"), required=False,
        help_text=_("Without this, nobody at the agency sees your name with your answer."),
    )
    contact_name = forms.CharField(label=_("Your name"), required=False, max_length=150)
    contact = forms.CharField(label=_("Phone or e-mail"), required=False, max_length=254)

    def clean(self):
        data = super().clean()
        if data.get("may_contact") and not (data.get("contact_name") and data.get("contact")):
            self.add_error("contact", _("To be contacted, give your name and a phone number or e-mail address."))
        return data
