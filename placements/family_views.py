"""Resource workers' pages about their families as partners: who to call before they leave, who to thank."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import recognition, retention
from .forms import ThanksForm


@login_required
def families_to_call(request):
    if not retention.may_see(request.user):
        raise Http404
    return render(request, "placements/families_to_call.html", {"families": retention.families_to_call(request.user, now=timezone.now())})


@login_required
def thanks(request):
    if not retention.may_see(request.user):
        raise Http404
    return _thanks_page(request)


def _thanks_page(request, *, bound: tuple[int, ThanksForm] | None = None):
    """Families to thank, each with a note to write (the one just refused keeps what was typed), and the last thanked."""
    recognitions = list(recognition.visible_recognitions(request.user).order_by("-occurred_on", "pk"))
    waiting = [r for r in recognitions if r.thanked_at is None]
    done = sorted((r for r in recognitions if r.thanked_at is not None), key=lambda r: r.thanked_at, reverse=True)[:20]
    rows = [(r, bound[1] if bound and bound[0] == r.pk else ThanksForm(prefix=f"r{r.pk}")) for r in waiting]
    return render(request, "placements/thanks.html", {"waiting": rows, "done": done}, status=400 if bound else 200)


@login_required
@require_POST
def send_thanks(request, pk: int):
    if not retention.may_see(request.user):
        raise Http404
    item = get_object_or_404(recognition.visible_recognitions(request.user), pk=pk)
    form = ThanksForm(request.POST, prefix=f"r{pk}")
    if form.is_valid():
        try:
            recognition.send_thanks(recognition=item, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error("note" if hasattr(error, "error_dict") else None, error)
        else:
            messages.success(request, _("Your note was sent to %(family)s. It is in their messages.") % {"family": item.household.name})
            return redirect("families:thanks")
    return _thanks_page(request, bound=(pk, form))
