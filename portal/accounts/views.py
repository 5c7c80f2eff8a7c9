from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import AbsenceForm, AcceptInvitationForm, InvitationForm, LanguageForm
from .models import STAFF_ROLES, Absence, Role, User
from .policies import can_invite, visible_households


def accept_invitation(request, token):
    if request.method == "POST":
        # allauth's "signup" limit: guessing passwords or links from one place is slowed down.
        refused = ratelimit.consume_or_429(request, action="signup")
        if refused is not None:
            return refused
    try:
        invitation = services.usable_invitation(token)
    except services.InvitationUnusable as problem:
        return render(request, "accounts/invitation_unusable.html", {"problem": problem.message}, status=410)
    form = AcceptInvitationForm(
        request.POST or None,
        initial={"first_name": invitation.first_name, "last_name": invitation.last_name, "title": invitation.title},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.accept_invitation(
                token=token, password=data["password1"], first_name=data["first_name"], last_name=data["last_name"], title=data["title"]
            )
        except ValidationError as error:
            form.add_error("password1", error.messages)
        except services.InvitationUnusable as problem:
            return render(request, "accounts/invitation_unusable.html", {"problem": problem.message}, status=410)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome. Your account is ready."))
            return redirect("home")
    return render(request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation})


@login_required
def invite(request, household_pk):
    household = get_object_or_404(visible_households(request.user), pk=household_pk)
    if not can_invite(request.user, household):  # a family member, or staff who only see the household
        raise Http404
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_family_member(household=household, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)  # Django puts each message on its field
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("accounts:invite", household_pk=household.pk)
    invitations = household.invitations.select_related("invited_by")[:20]
    return render(request, "accounts/invite.html", {"form": form, "household": household, "invitations": invitations})


@login_required
def absences(request):
    user = request.user
    if user.role not in STAFF_ROLES:
        return redirect("home")
    if user.role == Role.ADMINISTRATOR:
        workers = User.objects.filter(role__in=STAFF_ROLES, is_active=True)
    elif user.role == Role.SUPERVISOR:
        workers = User.objects.filter(Q(pk=user.pk) | Q(team__supervisor=user), is_active=True)
    else:
        workers = User.objects.filter(pk=user.pk)
    colleagues = User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("last_name", "first_name")
    form = AbsenceForm(request.POST or None, workers=workers, colleagues=colleagues, initial={"worker": user})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_absence(actor=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)  # Django puts each message on its field
        else:
            messages.success(request, _("Absence recorded. Open promises go to the covering colleague; deadlines stay the same."))
            return redirect("accounts:absences")
    upcoming = Absence.objects.filter(worker__in=workers, cancelled_at__isnull=True).select_related("worker", "cover").order_by("-starts_on")[:30]
    return render(request, "accounts/absences.html", {"form": form, "absences": upcoming})


@require_POST
def set_language(request):
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or "/"
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"  # only a page of the portal: never another site, never a name to look up
    response = HttpResponseRedirect(target)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.set_language(user=request.user, language=language)
        response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
    return response
