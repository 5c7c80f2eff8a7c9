from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.policies import visible_households

from . import services
from .forms import ContactRecordForm


@login_required
def record_contact(request):
    if not request.user.is_agency_staff:
        raise Http404
    form = ContactRecordForm(
        request.POST or None,
        households=visible_households(request.user),
        initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_contact(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Recorded. The answer is now on your list with its deadline."))
            return redirect("followups:my_day")
    return render(request, "messaging/record_contact.html", {"form": form})
