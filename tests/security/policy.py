"""Who may open each address of the portal with the Garcias' (household A's) objects: the one declared table.

Every URL pattern the resolver knows has a row here (the admin's patterns by one rule below); a view
added without a row fails ``test_every_url``. Each row names the method the matrix uses (GET for a
page, POST for an action), which of household A's objects fills the address, and who is let in.
Everyone else gets the row's refusal: a 404 for a signed-in person (someone else's object does not
exist for them), the sign-in page for a visitor, and the two-factor set-up for staff without it.

The people (``ROLES``):
- ``anonymous``: a visitor who is not signed in;
- ``parent``: Mrs. Garcia, household A, Maya lives with them;
- ``other_family``: Mrs. Johnson, household B;
- ``ended_family``: Mrs. Brown, Maya lived with her family in January (the placement ended);
- ``respite_current`` / ``respite_lapsed``: a respite provider holding a link that is open now / that has expired;
- ``caseworker``: Mr. Reed, Maya's caseworker; ``off_case``: Ms. Shah, a caseworker in his team, not on the case;
- ``resource_worker``: Ms. Miller, the Garcias' resource worker; ``supervisor``: Ms. Carter, their team's supervisor
  (who also supervises the fiscal clerk, so she is the fiscal supervisor);
- ``other_supervisor``: Mr. Ortiz, who supervises a team in another office;
- ``fiscal``: Ms. Baker, a fiscal clerk; ``administrator``: Dr. Manager (the admin site too);
- ``no_mfa``: an administrator who has not set up two-factor authentication.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = [
    "anonymous", "parent", "other_family", "ended_family", "respite_current", "respite_lapsed",
    "caseworker", "off_case", "resource_worker", "supervisor", "other_supervisor", "fiscal", "administrator", "no_mfa",
]
VISITORS = {"anonymous", "respite_current", "respite_lapsed"}  # nobody signed in
FAMILIES = {"parent", "other_family", "ended_family"}
STAFF = {"caseworker", "off_case", "resource_worker", "supervisor", "other_supervisor", "fiscal", "administrator"}
SIGNED_IN = FAMILIES | STAFF
EVERYONE = VISITORS | SIGNED_IN

MAYA_CASE = {"caseworker", "supervisor", "administrator"}  # Maya's caseworker, his supervisor, the administrator
GARCIA_WORKER = {"resource_worker", "supervisor", "administrator"}  # the Garcias' resource worker and her supervisor
MONEY = {"fiscal", "supervisor", "administrator"}  # fiscal clerks, their supervisor, the administrator
REPORTS = {"supervisor", "other_supervisor", "administrator"}  # a supervisor sees their own team's
GARCIA_TEAM = STAFF - {"other_supervisor", "administrator"}  # Ms. Carter's team (the fiscal clerk is in it too)

OK, NOT_FOUND, LOGIN, MFA, FORBIDDEN, ELSEWHERE = "ok", "404", "login", "mfa", "403", "elsewhere"


@dataclass(frozen=True)
class Rule:
    method: str
    allowed: frozenset[str]
    args: str | None = None  # which of A's objects fills the address
    public: bool = False  # no sign-in needed
    mfa_exempt: bool = False  # the sign-in and two-factor pages themselves
    refused: str = NOT_FOUND
    sent_on: frozenset[str] = frozenset()  # sent on to a page of their own (a redirect that shows nothing)

    def expected(self, role: str) -> str:
        if role == "no_mfa" and not self.mfa_exempt:
            return MFA
        if role in self.sent_on:
            return ELSEWHERE
        if role in VISITORS and not self.public:
            return LOGIN
        return OK if role in self.allowed else self.refused


def rule(method: str, allowed, args: str | None = None, *, sent_on=(), **options) -> Rule:
    return Rule(method, frozenset(allowed), args, sent_on=frozenset(sent_on), **options)


def account_page(method: str, allowed, **options) -> Rule:
    return rule(method, allowed, mfa_exempt=True, **options)


POLICY: dict[str, list[Rule]] = {
    "home": [rule("GET", set(), sent_on=SIGNED_IN)],  # each person's start page
    "health": [account_page("GET", EVERYONE | {"no_mfa"}, public=True)],  # states and ages only, for the load balancer
    # Sign-in, passwords and two-factor set-up (allauth): open to whoever needs them, never a family's data.
    "account_login": [account_page("GET", VISITORS, public=True, sent_on=SIGNED_IN | {"no_mfa"})],
    "account_logout": [account_page("GET", SIGNED_IN | {"no_mfa"}, public=True, sent_on=VISITORS)],
    "account_inactive": [account_page("GET", EVERYONE | {"no_mfa"}, public=True)],
    "account_signup": [account_page("GET", VISITORS, public=True, sent_on=SIGNED_IN | {"no_mfa"})],  # says "by invitation only"
    "account_reauthenticate": [account_page("GET", SIGNED_IN | {"no_mfa"})],
    "account_email": [account_page("GET", SIGNED_IN | {"no_mfa"})],
    "account_email_verification_sent": [account_page("GET", EVERYONE | {"no_mfa"}, public=True)],
    "account_change_password": [account_page("GET", SIGNED_IN | {"no_mfa"})],
    "account_set_password": [account_page("GET", set(), sent_on=SIGNED_IN | {"no_mfa"})],  # everyone here has one: to "change"
    "account_reset_password": [account_page("GET", EVERYONE | {"no_mfa"}, public=True)],
    "account_confirm_login_code": [account_page("GET", set(), public=True, refused=LOGIN, sent_on=SIGNED_IN | {"no_mfa"})],  # no code asked for
    "account_confirm_email": [account_page("GET", EVERYONE | {"no_mfa"}, args="nonsense_key", public=True)],
    "account_reset_password_from_key_done": [account_page("GET", EVERYONE | {"no_mfa"}, public=True)],
    "account_reset_password_from_key": [account_page("GET", EVERYONE | {"no_mfa"}, args="reset_key", public=True)],
    "account_reset_password_done": [account_page("GET", EVERYONE | {"no_mfa"}, public=True)],
    "mfa_index": [account_page("GET", SIGNED_IN | {"no_mfa"})],
    "mfa_authenticate": [account_page("GET", set(), public=True, refused=LOGIN, sent_on=SIGNED_IN | {"no_mfa"})],  # only between password and code
    "mfa_reauthenticate": [account_page("GET", STAFF, sent_on=FAMILIES | {"no_mfa"})],  # no code to give: the password instead
    "mfa_activate_totp": [account_page("GET", set(), sent_on=SIGNED_IN | {"no_mfa"})],  # the password again first
    "mfa_deactivate_totp": [account_page("GET", set(), sent_on=STAFF)],
    "mfa_view_recovery_codes": [account_page("GET", set())],  # nobody here has made recovery codes yet
    "mfa_generate_recovery_codes": [account_page("GET", set(), sent_on=SIGNED_IN | {"no_mfa"})],
    "mfa_download_recovery_codes": [account_page("GET", set())],
    # People: invitations, absences, language.
    "accounts:accept_invitation": [rule("GET", EVERYONE, "invitation", public=True)],
    "accounts:invite": [rule("GET", GARCIA_WORKER, "household")],
    "accounts:absences": [rule("GET", STAFF, sent_on=FAMILIES)],
    "accounts:set_language": [rule("POST", EVERYONE, public=True)],
    "notifications:centre": [rule("GET", SIGNED_IN)],
    "notifications:mark_all_read": [rule("POST", SIGNED_IN)],
    # Promises.
    "followups:family_home": [rule("GET", FAMILIES, sent_on=STAFF)],
    "followups:my_day": [rule("GET", STAFF)],
    "followups:my_team": [rule("GET", {"supervisor", "other_supervisor", "administrator"})],
    "followups:team_worker": [rule("GET", {"supervisor"}, "worker")],  # a supervisor's own team member
    "followups:commitment": [rule("GET", MAYA_CASE, "promise")],
    "followups:meet": [rule("POST", MAYA_CASE, "promise")],
    "followups:reassign": [rule("POST", MAYA_CASE, "promise")],
    "followups:cancel": [rule("POST", MAYA_CASE, "promise")],
    "followups:still_waiting": [rule("POST", {"parent"}, "promise")],
    # Messages.
    "messaging:family_home": [rule("GET", FAMILIES, sent_on=STAFF)],
    "messaging:inbox": [rule("GET", STAFF)],
    "messaging:team": [rule("GET", {"supervisor", "other_supervisor", "administrator"})],
    "messaging:new": [rule("GET", FAMILIES)],
    "messaging:thread": [rule("GET", {"parent"} | MAYA_CASE, "thread"), rule("GET", {"parent"} | MAYA_CASE, "closed_thread")],
    "messaging:transfer": [rule("POST", MAYA_CASE, "thread")],
    "messaging:bring_in": [rule("POST", MAYA_CASE, "thread")],
    "messaging:close": [rule("POST", {"parent"} | MAYA_CASE, "thread")],
    "messaging:rate": [rule("POST", {"parent"}, "closed_thread")],
    "messaging:archive": [rule("POST", {"parent"} | MAYA_CASE, "thread")],
    "messaging:attachment": [rule("GET", {"parent"} | MAYA_CASE, "attachment")],
    "messaging:your_team": [rule("GET", FAMILIES)],
    "messaging:request_callback": [rule("GET", FAMILIES)],
    "messaging:withdraw_callback": [rule("POST", {"parent"}, "callback")],
    "messaging:callback": [rule("GET", MAYA_CASE, "callback")],
    "messaging:saved_replies": [rule("GET", STAFF - {"administrator"})],  # a team's replies: staff in a team
    "messaging:saved_reply": [rule("GET", GARCIA_TEAM, "saved")],
    "messaging:record_contact": [rule("GET", STAFF)],
    # Inquiries from people thinking of fostering (the Garcias' county's).
    "inquiries:inquire": [rule("GET", EVERYONE, public=True)],
    "inquiries:status": [rule("GET", EVERYONE, "inquiry_token", public=True)],
    "inquiries:resend": [rule("GET", EVERYONE, public=True)],
    "inquiries:received": [rule("GET", EVERYONE, public=True)],
    "inquiries:queue": [rule("GET", STAFF)],
    "inquiries:detail": [rule("GET", GARCIA_WORKER, "inquiry")],
    "inquiries:move": [rule("POST", GARCIA_WORKER, "inquiry")],
    "inquiries:promise": [rule("POST", GARCIA_WORKER, "inquiry")],
    "inquiries:reassign": [rule("POST", GARCIA_WORKER, "inquiry")],
    "inquiries:new_link": [rule("POST", GARCIA_WORKER, "inquiry")],
    "inquiries:step_done": [rule("POST", GARCIA_WORKER, "step")],
    "inquiries:funnel": [rule("GET", {"supervisor", "other_supervisor", "administrator"})],
    "inquiries:funnel_csv": [rule("GET", {"supervisor", "other_supervisor", "administrator"})],
    # Children and disclosure.
    "placements:children": [rule("GET", FAMILIES)],
    "placements:child": [rule("GET", {"parent"}, "placement"), rule("GET", set(), "ended_placement")],
    "placements:acknowledge": [rule("POST", {"parent"}, "placement")],
    "placements:item": [rule("GET", {"parent"}, "item")],
    "placements:summary": [rule("GET", {"parent"}, "placement")],
    "placements:activity": [rule("GET", {"parent"}, "placement")],
    "placements:past_child": [rule("GET", {"ended_family"}, "ended_placement"), rule("GET", set(), "placement")],
    "placements:answer_need": [rule("POST", {"parent"}, "asking_need")],
    # The respite link is the key: whoever holds an open one reads the shared items; a lapsed one is a 404.
    "placements:respite": [rule("GET", EVERYONE, "respite_current", public=True), rule("GET", set(), "respite_lapsed", public=True)],
    "placements:disclosures": [rule("GET", STAFF - {"resource_worker", "fiscal"})],
    "placements:completeness": [rule("GET", STAFF - {"resource_worker", "fiscal"})],
    "placements:add_child": [rule("GET", STAFF - {"resource_worker", "fiscal"})],
    "placements:place": [rule("GET", STAFF - {"resource_worker", "fiscal"})],
    "placements:staff_child": [rule("GET", MAYA_CASE, "placement")],
    "placements:medication_sorted": [rule("POST", MAYA_CASE, "placement")],
    "placements:end": [rule("GET", MAYA_CASE, "placement")],
    "placements:correct_dates": [rule("GET", MAYA_CASE, "placement")],
    "placements:respite_access": [rule("GET", MAYA_CASE, "placement")],
    "placements:propose_need": [rule("POST", MAYA_CASE, "placement")],
    "placements:edit_item": [rule("GET", MAYA_CASE, "item_id")],
    "placements:revoke_respite": [rule("POST", MAYA_CASE, "grant")],
    "placements:share_need": [rule("POST", MAYA_CASE, "consented_need")],
    "placements:need_outcome": [rule("POST", MAYA_CASE, "shared_need")],
    # Court, meetings and visits.
    "events:family_calendar": [rule("GET", FAMILIES)],
    "events:family_event": [rule("GET", {"parent"}, "hearing")],
    "events:respond": [rule("POST", {"parent"}, "hearing")],
    "events:observations": [rule("POST", {"parent"}, "hearing")],
    "events:observation_file": [rule("GET", {"parent"} | MAYA_CASE | {"resource_worker"}, "observation_file")],
    "events:family_visit": [rule("GET", {"parent"}, "visit")],
    "events:staff_calendar": [rule("GET", STAFF)],
    "events:new_event": [rule("GET", STAFF)],
    "events:staff_event": [rule("GET", MAYA_CASE | {"resource_worker"}, "hearing"), rule("GET", MAYA_CASE | {"resource_worker"}, "meeting")],
    "events:reschedule": [rule("POST", MAYA_CASE | {"resource_worker"}, "hearing")],
    "events:cancel": [rule("POST", MAYA_CASE | {"resource_worker"}, "hearing")],
    "events:outcome": [rule("POST", MAYA_CASE | {"resource_worker"}, "meeting")],
    "events:acknowledge_observations": [rule("POST", MAYA_CASE | {"resource_worker"}, "observation")],
    "events:help_arranged": [rule("POST", MAYA_CASE | {"resource_worker"}, "invitee")],
    "events:new_visit": [rule("GET", STAFF)],
    "events:staff_visit": [rule("GET", GARCIA_WORKER, "visit")],
    # The families a resource worker should call or thank.
    "families:to_call": [rule("GET", {"resource_worker", "supervisor", "other_supervisor", "administrator"})],
    "families:thanks": [rule("GET", {"resource_worker", "supervisor", "other_supervisor", "administrator"})],
    "families:send_thanks": [rule("POST", GARCIA_WORKER, "recognition")],
    # Money.
    "reimbursements:family_money": [rule("GET", FAMILIES)],
    "reimbursements:new_claim": [rule("GET", FAMILIES)],
    "reimbursements:claim": [rule("GET", {"parent"}, "claim")],
    "reimbursements:receipt": [rule("GET", {"parent"} | MONEY, "receipt")],
    "reimbursements:statement": [rule("GET", FAMILIES, "month")],
    "reimbursements:fiscal_queue": [rule("GET", MONEY)],
    "reimbursements:staff_claim": [rule("GET", MONEY, "claim")],
    "reimbursements:board_payments": [rule("GET", MONEY)],
    "reimbursements:staff_board": [rule("GET", MONEY, "board")],
    "reimbursements:import_upload": [rule("GET", MONEY)],
    "reimbursements:import_preview": [rule("GET", MONEY, "batch")],
    "reimbursements:export": [rule("GET", MONEY)],
    "reimbursements:patterns": [rule("GET", MONEY)],
    # Reports and surveys.
    "reports:service": [rule("GET", REPORTS)],
    "reports:service_csv": [rule("GET", REPORTS)],
    "reports:service_promises": [rule("GET", REPORTS)],
    "satisfaction:survey": [rule("GET", EVERYONE, "survey", public=True)],
    "satisfaction:results": [rule("GET", REPORTS)],
}

# The admin site: administrators with two-factor authentication only; everyone else signed in is refused (403),
# a visitor is sent to the portal's sign-in (through the admin's own, which cannot skip the second factor).
ADMIN = Rule("GET", frozenset({"administrator"}), refused=FORBIDDEN)
