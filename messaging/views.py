import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import business_days
from portal.accounts.models import Household, Role
from portal.accounts.policies import may_see_family_data, visible_households
from portal.accounts.services import active_absence
from portal.files import private_file_response
from portal.followups.services import open_commitments_for, supervisor_of

from . import policies, routing, selectors, services, tone
from .forms import (
    BringInForm,
    CallAttemptForm,
    CallbackForm,
    ContactRecordForm,
    NewThreadForm,
    RatingForm,
    ReplyForm,
    SavedReplyForm,
    SearchForm,
    TransferForm,
)

INBOX_PAGE_SIZE = 50


def _staff_only(user):
    if not user.is_agency_staff or not may_see_family_data(user):
        raise Http404


def _family_only(user):
    if user.role != Role.RESOURCE_PARENT:
        raise Http404


def _household(user) -> Household:
    return Household.objects.select_related("resource_worker__team__supervisor", "fiscal_contact__team__supervisor").get(
        pk=user.household_id
    )


def _search(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return form, query, request.GET.get("archived") == "1"


def _page(request, threads):
    """One page of a conversation list, each row knowing who answers it (one query for the page)."""
    page = Paginator(threads, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_reply_owners(page.object_list)
    return page


@login_required
def family_home(request):
    """A family's conversations and call-backs; staff go to their inbox."""
    if request.user.is_agency_staff:
        return redirect("messaging:inbox")
    _family_only(request.user)
    search, query, archived = _search(request)
    page = _page(request, selectors.family_threads(request.user, query=query, archived=archived))
    context = {
        "page": page,
        "search": search,
        "query": query,
        "archived": archived,
        "callbacks": selectors.callbacks_for_family(request.user),
        "now": timezone.now(),
    }
    return render(request, "messaging/family_home.html", context)


@login_required
def inbox(request):
    """My inbox: every conversation I answer, soonest reply deadline (overdue) first."""
    _staff_only(request.user)
    now = timezone.now()
    search, query, archived = _search(request)
    page = _page(request, selectors.my_inbox(request.user, now=now, query=query, archived=archived))
    context = {
        "page": page,
        "search": search,
        "query": query,
        "archived": archived,
        "callbacks": selectors.my_callbacks(request.user, now=now),
        "now": now,
    }
    return render(request, "messaging/inbox.html", context)


@login_required
def team_inbox(request):
    """The supervisor's view: who is behind, what waits, and how fast the team answers."""
    _staff_only(request.user)
    if request.user.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        raise Http404
    now = timezone.now()
    page = _page(request, selectors.team_inbox(request.user, now=now))
    context = {
        "page": page,
        "backlog": selectors.team_backlog(request.user, now=now),
        "reply_times": selectors.first_reply_times(request.user, now=now),
        "now": now,
    }
    return render(request, "messaging/team_inbox.html", context)


@login_required
def new_thread(request):
    _family_only(request.user)
    household = _household(request.user)
    options = routing.options_for(household)
    form = NewThreadForm(
        request.POST or None,
        request.FILES or None,
        options=options,
        initial={"about": request.GET.get("about", ""), "submission_key": uuid.uuid4()},
    )
    if request.method == "POST" and form.is_valid():
        option = routing.resolve(household, form.cleaned_data["about"])
        try:
            if option is None:
                raise ValidationError({"about": _("Choose what your message is about.")})
            thread = services.start_thread(
                household=household,
                topic=option.topic,
                about=option.about,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
                author=request.user,
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Sent. %(name)s will answer by %(due)s.") % _promise_words(thread))
            return redirect("messaging:thread", thread.pk)
    return render(request, "messaging/family_new.html", _new_thread_context(household, form))


def _new_thread_context(household, form) -> dict:
    """Before sending, say who will answer: the responsible person, or who covers while they are away."""
    now = timezone.now()
    chosen = routing.resolve(household, form["about"].value() or "")
    answerer = routing.route(household, chosen.topic, chosen.about) if chosen else None
    absence = active_absence(answerer, business_days.local_date(now)) if answerer else None
    return {"form": form, "office_open": business_days.is_office_open(now), "answerer": answerer, "answerer_absence": absence}


def _promise_words(thread) -> dict:
    commitment = selectors.reply_commitment(thread)
    owner = commitment.owner if commitment else thread.assigned_to
    due = date_format(timezone.localtime(commitment.due_at), "DATETIME_FORMAT") if commitment else ""
    return {"name": owner, "due": due}


@login_required
def thread(request, pk):
    """One conversation: read it, and reply. Reading marks it read (the family's read receipt)."""
    now = timezone.now()
    conversation = selectors.thread_for(request.user, pk, now=now)
    user = request.user
    saved = None
    if user.is_agency_staff and request.GET.get("saved"):
        saved = (
            policies.visible_saved_replies(user).filter(pk=request.GET["saved"]).first()
            if request.GET["saved"].isdigit()
            else None
        )
    thread_messages = selectors.thread_messages(conversation, user)
    initial_body = (
        saved.body if saved else (selectors.greeting(conversation, thread_messages) + "\n\n" if user.is_agency_staff else "")
    )
    form = ReplyForm(request.POST or None, request.FILES or None, initial={"body": initial_body, "submission_key": uuid.uuid4()})
    flags = []
    if request.method == "POST" and form.is_valid():
        flags = (
            tone.flag_phrases(form.cleaned_data["body"], language=conversation.household.preferred_language)
            if user.is_agency_staff
            else []
        )
        if "check" not in request.POST:
            try:
                services.post_message(
                    thread=conversation,
                    author=user,
                    body=form.cleaned_data["body"],
                    attachments=form.cleaned_data["attachments"],
                    note_for_staff=user.is_agency_staff and form.cleaned_data["note_for_staff"],
                    submission_key=form.cleaned_data["submission_key"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _after_sending(request, conversation, flags)
                return redirect("messaging:thread", conversation.pk)
    services.mark_read(thread=conversation, user=user, now=now)
    return render(request, _thread_template(user), _thread_context(request, conversation, thread_messages, form, flags, now))


def _after_sending(request, conversation, flags):
    if request.user.is_agency_staff:
        text = _("Sent to %(family)s.") % {"family": conversation.household}
        for flag in flags:
            text += " " + _("Next time, instead of “%(phrase)s”, try “%(alternative)s”.") % {
                "phrase": flag.phrase,
                "alternative": flag.alternative,
            }
        messages.success(request, text)
    else:
        messages.success(request, _("Sent. %(name)s will answer by %(due)s.") % _promise_words(conversation))


def _thread_template(user) -> str:
    return "messaging/thread.html" if user.is_agency_staff else "messaging/family_thread.html"


def _thread_context(request, conversation, thread_messages, form, flags, now):
    user = request.user
    commitment = selectors.reply_commitment(conversation)
    absence = active_absence(conversation.assigned_to, business_days.local_date(now))
    context = {
        "thread": conversation,
        "thread_messages": thread_messages,
        "form": form,
        "flags": flags,
        "commitment": commitment,
        "absence": absence,
        # On a closed conversation the absence is noise: nobody is waiting for anyone.
        "away": absence if conversation.closed_at is None else None,
        "supervisor": supervisor_of(conversation.assigned_to),
        "participants": selectors.participants(conversation),
        "now": now,
        "can_close": policies.can_close(user, conversation),
        "rating_form": RatingForm(initial={"score": conversation.rating.score, "comment": conversation.rating.comment})
        if hasattr(conversation, "rating")
        else RatingForm(),
        "can_rate": policies.can_rate(user, conversation),
    }
    if user.is_agency_staff:
        colleagues = selectors.colleagues(user)
        context |= {
            "read_times": selectors.family_read_times(conversation),
            "tone_patterns": [
                {
                    "pattern": tone.pattern_source(flag.phrase, for_browser=True),
                    "phrase": flag.phrase,
                    "alternative": flag.alternative,
                }
                for flag in tone.tone_guide(conversation.household.preferred_language)
            ],
            "saved_replies": policies.visible_saved_replies(user).filter(language=conversation.household.preferred_language),
            "transfer_form": TransferForm(colleagues=colleagues),
            "bring_in_form": BringInForm(colleagues=colleagues),
            "can_transfer": policies.can_transfer(user, conversation, now=now),
        }
    return context


def _refusal(error) -> str:
    """What to tell someone whose action was refused on a conversation they can see."""
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def _visible_thread_for_action(request, pk):
    return selectors.thread_for(request.user, pk)


@login_required
@require_POST
def transfer(request, pk):
    conversation = _visible_thread_for_action(request, pk)
    _staff_only(request.user)
    form = TransferForm(request.POST, colleagues=selectors.colleagues(request.user))
    if form.is_valid():
        try:
            services.transfer_thread(
                thread=conversation, to_user=form.cleaned_data["to_user"], note=form.cleaned_data["note"], actor=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(
                request,
                _("Passed to %(name)s. The family sees who has it now; the deadline stays the same.")
                % {"name": form.cleaned_data["to_user"]},
            )
            if not policies.can_write(request.user, conversation):
                return redirect("messaging:inbox")
    else:
        messages.error(request, _("Choose the colleague to pass the conversation to."))
    return redirect("messaging:thread", conversation.pk)


@login_required
@require_POST
def bring_in(request, pk):
    conversation = _visible_thread_for_action(request, pk)
    _staff_only(request.user)
    form = BringInForm(request.POST, colleagues=selectors.colleagues(request.user))
    if form.is_valid():
        try:
            services.bring_in_colleague(
                thread=conversation, colleague=form.cleaned_data["colleague"], note=form.cleaned_data["note"], actor=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _refusal(error))
        else:
            messages.success(
                request, _("%(name)s can now see and answer this conversation.") % {"name": form.cleaned_data["colleague"]}
            )
    else:
        messages.error(request, _("Choose the colleague to bring in."))
    return redirect("messaging:thread", conversation.pk)


@login_required
@require_POST
def close(request, pk):
    conversation = _visible_thread_for_action(request, pk)
    try:
        services.close_thread(thread=conversation, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
    else:
        if request.user.is_agency_staff:
            messages.success(request, _("Closed. The family can rate how we helped."))
        else:
            messages.success(request, _("Closed. If you need us again, just write here and it opens again."))
    return redirect("messaging:thread", conversation.pk)


@login_required
@require_POST
def rate(request, pk):
    conversation = _visible_thread_for_action(request, pk)
    if not policies.can_rate(request.user, conversation):
        raise Http404
    form = RatingForm(request.POST)
    if form.is_valid():
        services.rate_thread(thread=conversation, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Thank you for telling us. Your rating helps the agency see where to do better."))
        return redirect("messaging:thread", conversation.pk)
    now = timezone.now()
    context = _thread_context(
        request,
        conversation,
        selectors.thread_messages(conversation, request.user),
        ReplyForm(initial={"submission_key": uuid.uuid4()}),
        [],
        now,
    )
    context["rating_form"] = form
    return render(request, "messaging/family_thread.html", context)


@login_required
@require_POST
def archive(request, pk):
    conversation = _visible_thread_for_action(request, pk)
    archived = request.POST.get("archived") == "1"
    services.set_archived(thread=conversation, user=request.user, archived=archived)
    if archived:
        messages.success(request, _("Archived. It comes back to your inbox if anyone writes."))
        return redirect("messaging:family_home")
    messages.success(request, _("Back in your inbox."))
    return redirect("messaging:thread", conversation.pk)


@login_required
def attachment(request, pk):
    """A file from a conversation, only for the people in it (anyone else: 404)."""
    upload = selectors.attachment_for(request.user, pk)
    return private_file_response(upload.file, name=upload.name, content_type=upload.content_type)


@login_required
def your_team(request):
    """Who is responsible for what, who covers today, and how to reach them (after hours too)."""
    _family_only(request.user)
    now = timezone.now()
    household = _household(request.user)
    context = {
        "household": household,
        "team": selectors.your_team(household, now=now),
        "office_open": business_days.is_office_open(now),
        "next_opening": business_days.next_opening(now),
        "office_hours": business_days.office_hours(),
        "on_call_phone": settings.AGENCY_ON_CALL_PHONE,
        "now": now,
    }
    return render(request, "messaging/family_your_team.html", context)


@login_required
def request_callback(request):
    _family_only(request.user)
    now = timezone.now()
    household = _household(request.user)
    people = [(card.person, f"{card.person} — {card.role}") for card in selectors.your_team(household, now=now)]
    initial = {
        "phone": household.phone or request.user.phone,
        "submission_key": uuid.uuid4(),
        "to_user": request.GET.get("to", ""),
    }
    form = CallbackForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        allowed = {person.pk: person for person, _label in people}
        data = form.cleaned_data
        try:
            callback = services.request_callback(
                household=household,
                requested_by=request.user,
                phone=data["phone"],
                good_times=data["good_times"],
                reason=data["reason"],
                to_user=allowed.get(data["to_user"]),
                submission_key=data["submission_key"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            commitment = open_commitments_for(callback).select_related("owner").first()
            messages.success(
                request,
                _("We will call you. %(name)s will call by %(due)s.")
                % {"name": commitment.owner, "due": date_format(timezone.localtime(commitment.due_at), "DATETIME_FORMAT")}
                if commitment
                else _("We will call you."),
            )
            return redirect("messaging:family_home")
    context = {
        "form": form,
        "office_open": business_days.is_office_open(now),
        "on_call_phone": settings.AGENCY_ON_CALL_PHONE,
        "next_opening": business_days.next_opening(now),
    }
    return render(request, "messaging/family_callback.html", context)


@login_required
@require_POST
def withdraw_callback(request, pk):
    _family_only(request.user)
    callback = selectors.callback_for(request.user, pk)
    services.withdraw_callback(callback=callback, actor=request.user)
    messages.success(request, _("Cancelled. We will not call you about this."))
    return redirect("messaging:family_home")


@login_required
def callback(request, pk):
    """A call-back to make: the family's number and good times, and the log of each attempt."""
    _staff_only(request.user)
    call = selectors.callback_for(request.user, pk)
    form = CallAttemptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_call(callback=call, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if form.cleaned_data["outcome"] == "reached":
                messages.success(request, _("Logged. The call-back is done."))
            else:
                messages.success(request, _("Logged. The call-back stays on your list until you reach the family."))
            return redirect("messaging:callback", call.pk)
    commitment = open_commitments_for(call).first()
    return render(
        request, "messaging/callback.html", {"callback": call, "form": form, "commitment": commitment, "now": timezone.now()}
    )


@login_required
def saved_replies(request):
    _staff_only(request.user)
    if not policies.can_edit_saved_replies(request.user):
        raise Http404
    form = SavedReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_reply(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved for your team."))
            return redirect("messaging:saved_replies")
    replies = policies.visible_saved_replies(request.user).select_related("updated_by")
    return render(request, "messaging/saved_replies.html", {"form": form, "replies": replies})


@login_required
def saved_reply(request, pk):
    _staff_only(request.user)
    reply = get_object_or_404(policies.visible_saved_replies(request.user), pk=pk)
    if request.method == "POST" and "delete" in request.POST:
        services.delete_saved_reply(actor=request.user, reply=reply)
        messages.success(request, _("Deleted."))
        return redirect("messaging:saved_replies")
    form = SavedReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_reply(actor=request.user, reply=reply, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved for your team."))
            return redirect("messaging:saved_replies")
    return render(request, "messaging/saved_reply.html", {"form": form, "reply": reply})


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
