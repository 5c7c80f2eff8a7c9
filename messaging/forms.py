from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Household

from .attachments import MAX_ATTACHMENTS, check_attachment
from .models import MAX_MESSAGE_LENGTH, CallAttempt, ContactRecord, SavedReply


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to five files, each checked by content and size (attachments.py)."""

    widget = MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("Attach up to %(count)s files to one message.") % {"count": MAX_ATTACHMENTS})
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(check_attachment(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


def _body_field(label):
    return forms.CharField(
        label=label,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_MESSAGE_LENGTH}),
        strip=True,
        # The services' words, not Django's generic "This field is required." (issue 4, bad input).
        error_messages={
            "required": _("Write a message before sending."),
            "max_length": _(
                "Messages can be up to %(limit_value)s characters; this one has %(show_value)s. "
                "Split it in two, or attach a document."
            ),
        },
    )


class NewThreadForm(forms.Form):
    about = forms.ChoiceField(label=_("What is it about?"))
    subject = forms.CharField(label=_("Subject"), max_length=120, help_text=_("A few words, for example: Maya’s inhaler"))
    body = _body_field(_("Your message"))
    attachments = AttachmentsField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, up to 10 MB each, 5 files at most."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = [("", _("Choose…"))] + [
            (group, [(option.value, option.label) for option in group_options]) for group, group_options in options
        ]


class ReplyForm(forms.Form):
    body = _body_field(_("Your reply"))
    attachments = AttachmentsField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, up to 10 MB each, 5 files at most."),
    )
    note_for_staff = forms.BooleanField(label=_("Note for staff only (the family will not see it)"), required=False)
    submission_key = forms.UUIDField(widget=forms.HiddenInput)


class TransferForm(forms.Form):
    to_user = forms.ModelChoiceField(label=_("Pass to"), queryset=None)
    note = forms.CharField(
        label=_("Note for your colleague"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = colleagues


class BringInForm(forms.Form):
    colleague = forms.ModelChoiceField(label=_("Colleague"), queryset=None)
    note = forms.CharField(
        label=_("What you need from them"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = colleagues


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How well did we help you?"),
        coerce=int,
        choices=[
            (5, _("5 – Very well")),
            (4, _("4 – Well")),
            (3, _("3 – Fair")),
            (2, _("2 – Poorly")),
            (1, _("1 – Very poorly")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CallbackForm(forms.Form):
    to_user = forms.TypedChoiceField(label=_("Who should call you?"), coerce=int, required=False)
    phone = forms.CharField(
        label=_("Your phone number"), max_length=30, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )
    good_times = forms.CharField(
        label=_("Good times to call (optional)"), max_length=200, required=False, help_text=_("For example: weekdays after 3 pm")
    )
    reason = forms.CharField(
        label=_("What is it about? (optional)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = [("", _("Whoever can help soonest"))] + [(person.pk, label) for person, label in people]


class CallAttemptForm(forms.Form):
    outcome = forms.ChoiceField(label=_("How did the call go?"), choices=CallAttempt.Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SavedReplyForm(forms.ModelForm):
    class Meta:
        model = SavedReply
        fields = ["title", "language", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search your conversations"), max_length=100, required=False)
    archived = forms.BooleanField(required=False, widget=forms.HiddenInput)


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
