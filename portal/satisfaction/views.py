from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache

from portal import business_days
from portal.accounts.policies import may_see_family_data
from portal.reports.forms import PeriodForm

from . import selectors, services
from .forms import SurveyForm

COMMENTS_PAGE_SIZE = 30


@never_cache
def survey(request, token: str):
    """The survey, from the link in the e-mail: no sign-in, in the family's language, one answer per link."""
    try:
        asked = services.request_for(token)
    except services.SurveyUnavailable as why:
        if why.request is not None:
            _speak(request, why.request.language)
        return render(request, "satisfaction/unavailable.html", {"reason": why.reason}, status=404 if why.reason == "unknown" else 200)
    _speak(request, asked.language)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer(
                token=token,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                may_contact=form.cleaned_data["may_contact"],
                contact_name=form.cleaned_data["contact_name"],
                contact=form.cleaned_data["contact"],
            )
        except services.SurveyUnavailable as why:
            return render(request, "satisfaction/unavailable.html", {"reason": why.reason})
        return render(request, "satisfaction/thanks.html", {"may_contact": form.cleaned_data["may_contact"]})
    return render(request, "satisfaction/survey.html", {"form": form, "asked": asked})


def _speak(request, language: str) -> None:
    """The survey in the language it was sent in, unless the person is signed in (their own setting)."""
    if not request.user.is_authenticated:
        translation.activate(language)
        request.LANGUAGE_CODE = language


@login_required
def results(request):
    """Satisfaction by office and quarter, the comments, and the yearly survey's turnout."""
    if not may_see_family_data(request.user):
        raise Http404
    offices = selectors.visible_offices(request.user)
    if not offices.exists():
        raise Http404
    now = timezone.now()
    this_month = business_days.local_date(now).replace(day=1)
    form = PeriodForm(request.GET or None, this_month=this_month)
    period = form.period()
    since, until = period.starts_at, period.ends_at
    rows = selectors.by_office_and_quarter(offices, since=since, until=until)
    comments = Paginator(selectors.comments(offices, since=since, until=until), COMMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    years = sorted({period.first.year, period.last.year})
    context = {
        "form": form,
        "period": period,
        "rows": rows,
        "comments": comments,
        "turnouts": [selectors.yearly_turnout(offices, year=year) for year in years],
    }
    return render(request, "satisfaction/results.html", context)
