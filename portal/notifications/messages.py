"""The words of each kind of notification, in the reader's language.

Only names of standards and families, dates and people's names: never a child's
name or anything about a child (a link leads to the details, behind a login).
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import business_days

from .models import Notification


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso).astimezone(business_days.agency_zone())
    return formats.date_format(moment, "DATETIME_FORMAT")


def headline_and_text(notification: Notification) -> tuple[str, str]:
    c = notification.context
    standard = c.get("standard_name_es") if get_language() == "es" and c.get("standard_name_es") else c.get("standard_name", "")
    values = {"standard": standard, "owed_to": c.get("owed_to", ""), "due": _when(c.get("due_at")), "owner": c.get("owner", "")}
    kind = notification.kind
    if kind == Notification.Kind.DUE_SOON:
        return (
            _("Due soon: %(standard)s") % values,
            _("%(standard)s for %(owed_to)s is due by %(due)s.") % values,
        )
    if kind == Notification.Kind.OVERDUE_OWNER:
        return (
            _("Overdue: %(standard)s") % values,
            _("%(standard)s for %(owed_to)s was due by %(due)s. Please do it now, or hand it to a colleague.") % values,
        )
    if kind == Notification.Kind.OVERDUE_SUPERVISOR:
        return (
            _("Overdue in your team: %(standard)s") % values,
            _("%(owner)s has not yet met “%(standard)s” for %(owed_to)s, due by %(due)s.") % values,
        )
    if kind == Notification.Kind.ESCALATED:
        return (
            _("Still open a business day late: %(standard)s") % values,
            _("“%(standard)s” for %(owed_to)s, owned by %(owner)s, was due by %(due)s and is still open.") % values,
        )
    if kind == Notification.Kind.FAMILY_CHASED:
        return (
            _("%(owed_to)s is still waiting") % values,
            _("%(owed_to)s asked about “%(standard)s”, due by %(due)s and owned by %(owner)s.") % values,
        )
    if kind == Notification.Kind.REASSIGNED:
        values["from"] = c.get("from", "")
        return (
            _("Handed to you: %(standard)s") % values,
            _("%(from)s handed you “%(standard)s” for %(owed_to)s. It is still due by %(due)s.") % values,
        )
    if kind == Notification.Kind.INVITATION:
        values["household"] = c.get("household", "")
        values["days"] = c.get("valid_days", "")
        return (
            _("Your invitation to the resource family portal"),
            _(
                "The agency invites you, as a member of %(household)s, to the resource family portal. "
                "Open the link within %(days)s days to choose your password."
            )
            % values,
        )
    if kind == Notification.Kind.MESSAGE_FOR_STAFF:
        return (
            _("New message from %(owed_to)s") % values,
            _("%(owed_to)s wrote in the portal. Please reply by %(due)s.") % values,
        )
    if kind == Notification.Kind.MESSAGE_FOR_FAMILY:
        return (
            _("You have a new message from the agency"),
            _("%(owner)s replied to your message. Sign in to the portal to read it.") % values,
        )
    if kind == Notification.Kind.CONVERSATION_HANDED:
        values["from"] = c.get("from", "")
        return (
            _("A conversation with %(owed_to)s for you") % values,
            _("%(from)s asked you to help with a conversation with %(owed_to)s.") % values,
        )
    if kind == Notification.Kind.CALLBACK_REQUESTED:
        return (
            _("%(owed_to)s asked for a call") % values,
            _("%(owed_to)s asked you to call them back by %(due)s.") % values,
        )
    if kind == Notification.Kind.NEW_INQUIRY:
        return (
            _("New inquiry: %(owed_to)s") % values,
            _("%(owed_to)s would like to hear about fostering or adopting. Please make personal contact by %(due)s.") % values,
        )
    if kind == Notification.Kind.INQUIRY_RECEIVED:
        return (
            _("Thank you for reaching out"),
            _(
                "Thank you for your interest in caring for children. %(owner)s will contact you personally by %(due)s. "
                "You can see where things stand at any time with your private link."
            )
            % values,
        )
    if kind == Notification.Kind.INQUIRY_LINK:
        return (
            _("Your private link"),
            _("Here is a new private link to see where your inquiry stands. Links sent earlier may no longer work."),
        )
    if kind == Notification.Kind.CHILD_PLACED:
        return (
            _("What we know about the child placed with you"),
            _("%(owner)s has shared what the agency knows about the child placed with you, and what is still being found out. Please read it and confirm in the portal.")
            % values,
        )
    if kind == Notification.Kind.DISCLOSURE_UPDATED:
        return (
            _("New information about a child placed with you"),
            _("%(owner)s added or changed information about a child placed with you. The changes are highlighted in the portal.")
            % values,
        )
    if kind == Notification.Kind.NEED_PERMISSION:
        return (
            _("May we share a need of your family?"),
            _("%(owner)s would like to share a need of your family with an outside source that can help. Nothing is shared until you say yes in the portal.")
            % values,
        )
    if kind == Notification.Kind.RESPITE_ACCESS:
        return (
            _("Information for respite care"),
            _("%(owner)s has given you read access to information you need while providing respite care, until %(due)s. Open the link; do not forward it.")
            % values,
        )
    values["what"] = c.get("what", "")
    values["reason"] = c.get("reason", "")
    if kind == Notification.Kind.EVENT_INVITED:
        return (
            _("You are invited: %(what)s on %(due)s") % values,
            _("%(owner)s invites you to a %(what)s on %(due)s. The calendar file is attached. Please tell us in the portal whether you can attend, and if you need transport or child care.")
            % values,
        )
    if kind == Notification.Kind.EVENT_CHANGED:
        return (
            _("Changed: %(what)s, now on %(due)s") % values,
            _("%(owner)s moved the %(what)s to %(due)s. Why: %(reason)s The attached calendar file replaces the earlier one.") % values,
        )
    if kind == Notification.Kind.EVENT_CANCELLED:
        return (
            _("Cancelled: %(what)s on %(due)s") % values,
            _("%(owner)s cancelled the %(what)s that was on %(due)s. Why: %(reason)s The attached file removes it from your calendar.") % values,
        )
    if kind == Notification.Kind.EVENT_REMINDER:
        return (
            _("Reminder: %(what)s on %(due)s") % values,
            _("A reminder of the %(what)s on %(due)s, organised by %(owner)s. The details and your answer are in the portal.") % values,
        )
    if kind == Notification.Kind.LATE_INVITATION:
        values["notice"] = c.get("notice", 0)
        return (
            _("Late invitation: %(what)s for %(owed_to)s") % values,
            _("%(owner)s invited %(owed_to)s to a %(what)s on %(due)s with %(notice)s business days' notice, less than the standard.") % values,
        )
    if kind == Notification.Kind.EVENT_HELP_NEEDED:
        return (
            _("%(owed_to)s needs help to attend") % values,
            _("%(owed_to)s wants to attend the %(what)s on %(due)s and needs transport or child care. Please arrange it and tell them.") % values,
        )
    if kind == Notification.Kind.OBSERVATIONS_SENT:
        return (
            _("%(owed_to)s sent observations") % values,
            _("%(owed_to)s sent observations for the %(what)s on %(due)s. Please confirm you received them.") % values,
        )
    if kind == Notification.Kind.OUTCOME_POSTED:
        return (
            _("What happened: %(what)s") % values,
            _("%(owner)s wrote what happened at the %(what)s. Read it in the portal.") % values,
        )
    if kind == Notification.Kind.VISIT_TIMES_ASKED:
        return (
            _("When would a visit suit you?"),
            _("%(owner)s needs to visit. Please offer a few times that suit your family in the portal; evenings are fine.") % values,
        )
    if kind == Notification.Kind.VISIT_TIMES_OFFERED:
        return (
            _("%(owed_to)s offered times for a visit") % values,
            _("%(owed_to)s offered times for your visit. Book one in the portal, or propose another.") % values,
        )
    if kind == Notification.Kind.CLAIM_CHANGED:
        return (
            _("News about your claim"),
            _("There is a new step on one of your claims. See where it is, and when to expect the money, in the portal."),
        )
    if kind == Notification.Kind.CLAIM_NEEDS_INFO:
        return (
            _("Your claim needs something from you"),
            _("Fiscal staff need something more before they can decide one of your claims. The portal says what, and you can send it there."),
        )
    if kind == Notification.Kind.PAYMENT_CHANGED:
        return (
            _("News about a payment to you"),
            _("A board payment or claim of yours has a new status. See it, with the dates, in the portal."),
        )
    if kind == Notification.Kind.SURVEY:
        return (
            _("How did we do? One question from the agency"),
            _(
                "We would like to know how the agency is doing for you: one question from 1 to 5, and a comment if you wish. "
                "The link works for %(days)s days. Your answer is kept apart from your family's records."
            )
            % {"days": c.get("days", 30)},
        )
    if kind in (Notification.Kind.DIGEST_TEAM, Notification.Kind.DIGEST_OWN):
        return _digest(notification)
    return (_("An update from the agency"), _("There is something new for you in the portal."))


def _digest(notification: Notification) -> tuple[str, str]:
    """The Monday digest: counts, and for a supervisor each colleague's counts. Never a family or a child."""
    c = notification.context
    week = formats.date_format(date.fromisoformat(c["week_of"]), "MONTH_DAY_FORMAT")
    counts = {"overdue": c["overdue"], "due": c["due_this_week"], "week": week}
    if notification.kind == Notification.Kind.DIGEST_OWN:
        headline = _("Your week of %(week)s: %(overdue)d overdue, %(due)d due") % counts
        if not c["overdue"] and not c["due_this_week"]:
            return headline, _("None of your promises is overdue, and none falls due this week.")
        return headline, (
            ngettext("%(overdue)d of your promises is overdue.", "%(overdue)d of your promises are overdue.", c["overdue"])
            % counts
            + " "
            + ngettext("%(due)d more falls due by Sunday.", "%(due)d more fall due by Sunday.", c["due_this_week"]) % counts
            + " "
            + _("“My day” lists them, the soonest first.")
        )
    headline = _("Your team's week of %(week)s: %(overdue)d overdue, %(due)d due") % counts
    lines = [
        ngettext("In your team, %(overdue)d promise is overdue", "In your team, %(overdue)d promises are overdue", c["overdue"]) % counts
        + " "
        + ngettext("and %(due)d more falls due by Sunday.", "and %(due)d more fall due by Sunday.", c["due_this_week"]) % counts
    ]
    for name, overdue, due in c.get("members", []):
        lines.append(_("%(name)s: %(overdue)d overdue, %(due)d due this week.") % {"name": name, "overdue": overdue, "due": due})
    if c.get("own_overdue") or c.get("own_due_this_week"):
        lines.append(_("Your own: %(overdue)d overdue, %(due)d due this week.") % {"overdue": c["own_overdue"], "due": c["own_due_this_week"]})
    lines.append(_("“My team” shows who is behind, with each promise."))
    return headline, "\n".join(lines)
