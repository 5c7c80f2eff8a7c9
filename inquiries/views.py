import csv
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal import business_days
from portal.accounts.policies import may_see_family_data
from portal.followups.services import supervisor_of

from . import policies, selectors, services
from .forms import ContactLogForm, FunnelFilterForm, InquiryForm, NextStepForm, ReassignForm, ResendLinkForm, StageForm
from .models import ContactLog, NextStep, Stage

QUEUE_PAGE_SIZE = 50
# Lazy: the list is built at import, and each worker reads it in their own language.
LAST = [
    (gettext_lazy("Listen"), gettext_lazy("Let them tell you what brought them here; their questions are above.")),
    (gettext_lazy("Apologize"), gettext_lazy("If they waited or were passed around, say sorry.")),
    (gettext_lazy("Solve"), gettext_lazy("Answer what you can now; promise the rest with a date.")),
    (gettext_lazy("Thank"), gettext_lazy("Thank them for thinking of the children who need a home.")),
]


# --- Public: no account -------------------------------------------------------------------


def _rate_limited(request) -> bool:
    """At most PORTAL_INQUIRY_RATE_LIMIT inquiries per address per hour; a person is never near it."""
    key = "inquiries:rate:" + request.META.get("REMOTE_ADDR", "unknown")
    cache.add(key, 0, timeout=3600)
    return cache.incr(key) > settings.PORTAL_INQUIRY_RATE_LIMIT


def inquire(request):
    """The public inquiry form: phone-first, English and Spanish, no account."""
    form = InquiryForm(
        request.POST or None, initial={"language": translation.get_language(), "submission_key": uuid.uuid4(), "contact_way": "phone"}
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            # Software filled the hidden field: thank it and keep nothing.
            return render(request, "inquiries/public_thanks.html", status=200)
        if _rate_limited(request):
            form.add_error(None, _("We have received several inquiries from here in the last hour. Please call us, and we will gladly help."))
        else:
            data = {key: value for key, value in form.cleaned_data.items() if key != "website"}
            try:
                submitted = services.submit_inquiry(**data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if submitted.joined_existing:
                    # Whoever types a known e-mail or phone number may not be the person who inquired:
                    # show nothing of the earlier inquiry; its private link goes to its own e-mail address.
                    if submitted.inquiry.email:
                        services.resend_link(email=submitted.inquiry.email)
                    return redirect("inquiries:received")
                return redirect(services.status_path(submitted.inquiry) + "?new=1")
    return render(request, "inquiries/public_form.html", {"form": form})


def received(request):
    """After the form was sent again by someone we already know: thanks, and no data."""
    return render(request, "inquiries/public_again.html")


def status(request, token):
    """The inquirer's private page: stage, their worker, the next promised step and its date."""
    try:
        inquiry = services.inquiry_from_token(token)
    except services.LinkProblem as problem:
        return render(request, "inquiries/public_link_problem.html", {"expired": problem.expired, "form": ResendLinkForm()}, status=200)
    # The inquirer's language, unless they picked another with the language switch (its cookie).
    with translation.override(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or inquiry.language):
        if request.method == "POST":
            _say_still_waiting(request, inquiry)
            return redirect(request.path)
        return render(request, "inquiries/public_status.html", _status_context(request, inquiry))


def _say_still_waiting(request, inquiry) -> None:
    try:
        result = services.still_waiting(inquiry=inquiry)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        if result.notified:
            messages.success(request, _("Thank you for telling us. The supervisor has been told and will make sure someone contacts you."))
        else:
            messages.info(request, _("You already told us, and the supervisor knows. We are sorry for the wait."))


def _status_context(request, inquiry) -> dict:
    now = timezone.now()
    promises = selectors.open_promises(inquiry)
    return {
        "inquiry": inquiry,
        "promises": promises,
        "overdue": [promise for promise in promises if promise.due_at < now],
        "supervisor": supervisor_of(inquiry.worker),
        # The thank-you belongs to the first visit; once someone has called, the page is about what is next.
        "is_new": request.GET.get("new") == "1" and inquiry.first_contact_at is None,
        "again": request.GET.get("again") == "1",
        "now": now,
        "stages": [(value, label) for value, label in Stage.choices if value not in (Stage.CLOSED,)],
    }


def resend_link(request):
    form = ResendLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not _rate_limited(request):
            services.resend_link(email=form.cleaned_data["email"])
        messages.success(request, _("If we have an inquiry with that e-mail address, a new private link is on its way."))
        return redirect("inquiries:resend")
    return render(request, "inquiries/public_resend.html", {"form": form})


# --- Staff -------------------------------------------------------------------------------------


def _staff_only(user):
    if not user.is_agency_staff or not may_see_family_data(user):
        raise Http404


@login_required
def queue(request):
    """The worker's inquiry queue: soonest promise first, overdue at the top."""
    _staff_only(request.user)
    now = timezone.now()
    everyone = request.GET.get("all") == "1"
    inquiries = selectors.inquiry_queue(request.user, now=now, everyone=everyone)
    page = Paginator(inquiries, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inquiries/queue.html", {"page": page, "now": now, "everyone": everyone})


@login_required
def detail(request, pk):
    """One inquiry, ready for the call: their questions and L.A.S.T. at the top, then the log and the path."""
    _staff_only(request.user)
    inquiry = selectors.inquiry_for(request.user, pk)
    form = ContactLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_contact(inquiry=inquiry, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _contact_message(form.cleaned_data["kind"]))
            return redirect("inquiries:detail", inquiry.pk)
    return render(request, "inquiries/detail.html", _detail_context(request, inquiry, contact_form=form))


def _contact_message(kind: str) -> str:
    if kind in ContactLog.PERSONAL:
        return _("Logged. Personal contact is made: the first-contact promise is kept.")
    return _("Logged. A voicemail or a packet is not personal contact: the first-contact promise stays open.")


def _detail_context(request, inquiry, **forms):
    now = timezone.now()
    return {
        "inquiry": inquiry,
        "contacts": selectors.contact_log(inquiry),
        "promises": selectors.open_promises(inquiry),
        "steps": inquiry.next_steps.all(),
        "last": LAST,
        "now": now,
        "contact_form": forms.get("contact_form") or ContactLogForm(),
        "stage_form": forms.get("stage_form") or StageForm(initial={"stage": inquiry.stage}),
        "step_form": forms.get("step_form") or NextStepForm(),
        "reassign_form": ReassignForm(workers=selectors.reassign_choices(request.user), initial={"to_worker": inquiry.worker_id}),
        "can_reassign": policies.can_reassign(request.user, inquiry),
        "stage_changes": inquiry.stage_changes.select_related("by"),
    }


def _post_form(request, pk, form_class, key, action, success):
    _staff_only(request.user)
    inquiry = selectors.inquiry_for(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(inquiry, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect("inquiries:detail", inquiry.pk)
    return render(request, "inquiries/detail.html", _detail_context(request, inquiry, **{key: form}))


@login_required
@require_POST
def move(request, pk):
    return _post_form(
        request, pk, StageForm, "stage_form",
        lambda inquiry, data: services.move_stage(inquiry=inquiry, actor=request.user, **data),
        _("Moved. The inquirer's page shows the new stage."),
    )


@login_required
@require_POST
def promise(request, pk):
    return _post_form(
        request, pk, NextStepForm, "step_form",
        lambda inquiry, data: services.promise_next_step(inquiry=inquiry, actor=request.user, **data),
        _("Promised. It is on your list with its date, and the inquirer sees it."),
    )


@login_required
@require_POST
def step_done(request, pk):
    _staff_only(request.user)
    step = get_object_or_404(NextStep.objects.filter(inquiry__in=policies.visible_inquiries(request.user)), pk=pk)
    services.complete_next_step(step=step, actor=request.user)
    messages.success(request, _("Done. The promise is kept."))
    return redirect("inquiries:detail", step.inquiry_id)


@login_required
@require_POST
def reassign(request, pk):
    _staff_only(request.user)
    inquiry = selectors.inquiry_for(request.user, pk)
    form = ReassignForm(request.POST, workers=selectors.reassign_choices(request.user))
    if form.is_valid():
        try:
            services.reassign_inquiry(inquiry=inquiry, to_worker=form.cleaned_data["to_worker"], actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("Handed over. The deadlines stay the same."))
            if not policies.can_work_on(request.user, inquiry):
                return redirect("inquiries:queue")
    else:
        messages.error(request, _("Choose who should have this inquiry."))
    return redirect("inquiries:detail", inquiry.pk)


@login_required
@require_POST
def new_link(request, pk):
    _staff_only(request.user)
    inquiry = selectors.inquiry_for(request.user, pk)
    services.revoke_links(inquiry=inquiry, actor=request.user)
    messages.success(request, _("Earlier links no longer work. A new one was sent to the inquirer's e-mail."))
    return redirect("inquiries:detail", inquiry.pk)


def _funnel_window(request) -> tuple[FunnelFilterForm, date, date]:
    today = business_days.local_date(timezone.now())
    default_since = (today.replace(day=1) - timedelta(days=150)).replace(day=1)
    default_until = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    form = FunnelFilterForm(request.GET or None)
    if form.is_valid():
        return form, form.cleaned_data["since"] or default_since, form.cleaned_data["until"] or default_until
    return form, default_since, default_until


@login_required
def funnel(request):
    """The director's view: where inquirers are lost, per county and month."""
    if not policies.funnel_counties(request.user).exists():
        raise Http404
    form, since, until = _funnel_window(request)
    rows = selectors.funnel(request.user, since=since, until=until)
    context = {"form": form, "rows": rows, "reasons": selectors.closing_reasons(request.user, since=since, until=until), "since": since, "until": until}
    return render(request, "inquiries/funnel.html", context)


@login_required
def funnel_csv(request):
    if not policies.funnel_counties(request.user).exists():
        raise Http404
    _form, since, until = _funnel_window(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inquiry-funnel-{since:%Y-%m}-{until:%Y-%m}.csv"'
    writer = csv.writer(response)
    writer.writerow(["county", "month", "inquiries", "contacted_on_time", "on_time_percent", "information_session", "application", "licensed", "median_office_hours_to_first_contact"])
    for row in selectors.funnel(request.user, since=since, until=until):
        writer.writerow([row.county, row.month.strftime("%Y-%m"), row.inquiries, row.contacted_on_time, row.on_time_percent, row.session, row.application, row.licensed, "" if row.median_hours_to_contact is None else row.median_hours_to_contact])
    return response
