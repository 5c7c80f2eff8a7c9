"""Every reimbursements URL × every kind of person: who gets the page, who gets a 404, and 0 leaks.

Rules (reimbursements/policies.py): a resource family sees its own board payments, claims, receipts
and statements; fiscal clerks, the fiscal supervisor (the supervisor of the clerks' team) and
administrators see and work all of them; caseworkers, resource workers and other supervisors see
no money pages. Staff without two-factor authentication are sent to set it up; a visitor who is not
signed in, to sign in. Each page is searched for the other family's private words (their claim's
reference and amount, their receipt's file name); one on a page of someone not allowed to see it is
a leak, and a refused answer shows none at all. A refused POST changes nothing; an allowed payment
change writes an audit entry. Each cell runs in a rolled-back savepoint.

The matrix: 20 URL rows × 10 people = 200 requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import URLPattern, reverse

from messaging.attachments import CheckedFile
from portal.accounts.models import Role
from portal.audit.models import AuditEntry
from portal.management.commands._demo_reimbursements import RECEIPT_JPEG
from reimbursements import services
from reimbursements.models import BoardPayment, Claim, ClaimEvent, PaymentImport
from reimbursements.services import ItemInput
from reimbursements.urls import urlpatterns
from tests.conftest import chicago
from tests.factories import ChildFactory, PlacementFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = chicago(2026, 11, 16, 10, 0)
ROLES = ["garcia", "johnson", "caseworker", "resource_worker", "supervisor", "fiscal", "fiscal_supervisor", "administrator", "no_mfa", "anonymous"]
FISCAL = {"fiscal", "fiscal_supervisor", "administrator"}
OK, NOT_FOUND, LOGIN, MFA = "ok", "404", "login", "mfa"
# The Johnsons' private words: never on a page the Garcias or non-fiscal staff get.
JOHNSON_WORDS = ("Zebra-receipt-4411.jpg", "$977.31")


@dataclass
class Row:
    name: str
    method: str
    allowed: set[str]
    args: str | None = None
    data: str | None = None
    audits: str = ""  # the audit action an allowed POST writes
    shows: dict[str, list[str]] = field(default_factory=dict)

    def expected(self, role: str) -> str:
        if role == "no_mfa":
            return MFA
        if role == "anonymous":
            return LOGIN
        return OK if role in self.allowed else NOT_FOUND


MATRIX = [
    Row("family_money", "GET", {"garcia", "johnson"}, shows={"johnson": ["$977.31"]}),
    Row("new_claim", "GET", {"garcia", "johnson"}),
    Row("claim", "GET", {"garcia"}, args="garcia_claim"),
    Row("claim", "GET", {"johnson"}, args="johnson_claim", shows={"johnson": ["Zebra-receipt-4411.jpg"]}),
    Row("claim", "POST", {"johnson"}, args="johnson_claim", data="resubmit", audits="claim.resubmitted"),
    Row("claim", "POST", {"garcia"}, args="garcia_claim", data="resubmit", audits="claim.resubmitted"),
    Row("receipt", "GET", {"johnson", *FISCAL}, args="johnson_receipt"),
    Row("receipt", "GET", {"garcia", *FISCAL}, args="garcia_receipt"),
    Row("statement", "GET", {"garcia", "johnson"}, args="month"),
    Row("fiscal_queue", "GET", FISCAL),
    Row("staff_claim", "GET", FISCAL, args="johnson_claim", shows={"fiscal": ["Zebra-receipt-4411.jpg"]}),
    Row("staff_claim", "POST", FISCAL, args="garcia_new", data="take", audits="claim.taken"),
    Row("board_payments", "GET", FISCAL),
    Row("board_payments", "POST", FISCAL, data="hold", audits="board.status"),
    Row("staff_board", "GET", FISCAL, args="board"),
    Row("import_upload", "GET", FISCAL),
    Row("import_preview", "GET", FISCAL, args="batch"),
    Row("import_preview", "POST", FISCAL, args="batch", audits="claim.paid"),
    Row("export", "GET", FISCAL, data="export"),
    Row("patterns", "GET", FISCAL),
]


def _receipt(name):
    from django.core.files.base import ContentFile

    return CheckedFile(file=ContentFile(RECEIPT_JPEG, name=name), name=name, content_type="image/jpeg", size=len(RECEIPT_JPEG))


@pytest.fixture
def world(household, other_family, resource_parent, caseworker, resource_worker, supervisor, fiscal_staff, office, time_machine, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(NOW, tick=False)
    johnson = other_family
    garcia_child = ChildFactory(first_name="Maya", date_of_birth=date(2018, 1, 1), caseworker=caseworker)
    johnson_child = ChildFactory(first_name="Kiara", date_of_birth=date(2016, 1, 1), caseworker=caseworker)
    PlacementFactory(child=garcia_child, household=household, started_on=date(2026, 9, 1))
    PlacementFactory(child=johnson_child, household=johnson.household, started_on=date(2026, 9, 1))
    garcia_claim = services.submit_claim(
        user=resource_parent, kind=Claim.Kind.CHILD_CARE, child=garcia_child, receipts=[_receipt("garcia-daycare.jpg")], now=NOW - timedelta(days=3),
        items=[ItemInput(on=date(2026, 11, 10), description="Day care", amount=Decimal("40.00"))],
    )
    johnson_claim = services.submit_claim(
        user=johnson, kind=Claim.Kind.CHILD_CARE, child=johnson_child, receipts=[_receipt("Zebra-receipt-4411.jpg")], now=NOW - timedelta(days=3),
        items=[ItemInput(on=date(2026, 11, 10), description="Tutoring", amount=Decimal("977.31"))],
    )
    for claim in (garcia_claim, johnson_claim):
        services.ask_for_information(actor=fiscal_staff, claim=claim, reason="other", note="Which weeks?", now=NOW - timedelta(days=2))
    garcia_new = services.submit_claim(
        user=resource_parent, kind=Claim.Kind.SCHOOL_FEES, child=garcia_child, receipts=[_receipt("garcia-school.jpg")], now=NOW - timedelta(days=1),
        items=[ItemInput(on=date(2026, 11, 12), description="Field trip", amount=Decimal("15.00"))],
    )
    services.generate_board_payments(month=date(2026, 10, 1), now=NOW)
    paid = services.submit_claim(
        user=resource_parent, kind=Claim.Kind.MILEAGE, child=garcia_child, now=NOW - timedelta(days=5),
        items=[ItemInput(on=date(2026, 11, 9), description="Court", miles=Decimal("10"), from_place="Home", to_place="Court")],
    )
    services.approve_claim(actor=fiscal_staff, claim=paid, now=NOW - timedelta(days=4))
    batch, _ = services.upload_import(actor=fiscal_staff, name="p.csv", raw=f"reference,paid_date,amount,payment_number\n{paid.reference},2026-11-13,{paid.amount},EFT-1\n".encode(), now=NOW)
    fiscal_supervisor = UserFactory(role=Role.SUPERVISOR, last_name="Fiscalboss", email="fboss@agency.test")
    fiscal_staff.team.supervisor = fiscal_supervisor  # the clerks' team: its supervisor is the fiscal supervisor
    fiscal_staff.team.save()
    fiscal_supervisor.team = fiscal_staff.team
    fiscal_supervisor.save()
    no_mfa = UserFactory(role=Role.ADMINISTRATOR, last_name="Newcomer", email="newcomer@agency.test", with_mfa=False)
    return {
        "people": {
            "garcia": resource_parent, "johnson": johnson, "caseworker": caseworker, "resource_worker": resource_worker, "supervisor": supervisor,
            "fiscal": fiscal_staff, "fiscal_supervisor": fiscal_supervisor, "administrator": office.program_manager, "no_mfa": no_mfa, "anonymous": None,
        },
        "args": {
            "garcia_claim": [garcia_claim.pk], "johnson_claim": [johnson_claim.pk], "garcia_new": [garcia_new.pk],
            "garcia_receipt": [garcia_claim.pk, garcia_claim.receipts.get().pk], "johnson_receipt": [johnson_claim.pk, johnson_claim.receipts.get().pk],
            "month": [2026, 10], "board": [BoardPayment.objects.first().pk], "batch": [batch.pk],
        },
        "board": BoardPayment.objects.first(),
        "claims": {"garcia_claim": garcia_claim, "johnson_claim": johnson_claim},
    }


def _data(row, world):
    if row.data == "resubmit":  # the answer, with the claim's one line sent back unchanged
        item = world["claims"][row.args].items.get()
        return {
            "note": "Weeks 1 and 2 of November.", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "1",
            "lines-0-on": item.on.isoformat(), "lines-0-description": item.description, "lines-0-amount": str(item.amount),
        }
    return {
        None: {},
        "take": {"action": "take"},
        "hold": {"to": "held", "reason": "Licence renewal missing.", "payments": [world["board"].pk]},
        "export": {"since": "2026-10-01", "until": "2026-11-16", "what": "claims"},
    }[row.data]


def _state():
    return (
        list(Claim.objects.order_by("pk").values_list("status", "amount")),
        list(BoardPayment.objects.order_by("pk").values_list("status", "reason")),
        ClaimEvent.objects.count(), PaymentImport.objects.filter(applied_at__isnull=False).count(),
    )


def _outcome(response, method: str) -> str:
    if method == "POST" and response.status_code == 200:
        return "form shown again"  # an allowed POST that did nothing: the data in the table is wrong
    if response.status_code == 302:
        if response.url.startswith(reverse("account_login")):
            return LOGIN
        if response.url.startswith(reverse("mfa_activate_totp")):
            return MFA
        return OK  # an allowed POST redirects to the page it changed
    return OK if response.status_code == 200 else str(response.status_code)


def _content(response) -> str:
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return body.decode("utf-8", "replace")


def _check(client, row, role, world, problems):
    where = f"{row.method} {row.name}({row.args or ''}) as {role}"
    expected = row.expected(role)
    with transaction.atomic():
        person = world["people"][role]
        client.logout()
        if person is not None:
            client.force_login(person)
        url = reverse(f"reimbursements:{row.name}", args=world["args"].get(row.args, []))
        before, audits = _state(), AuditEntry.objects.count()
        if row.method == "GET":
            response = client.get(url, _data(row, world))
        else:
            response = client.post(url, _data(row, world))
        outcome = _outcome(response, row.method)
        page = "" if row.name == "receipt" else _content(response)
        if outcome != expected:
            problems.append(f"{where}: expected {expected}, got {outcome}")
        allowed_johnson = role in FISCAL or role == "johnson"
        if not allowed_johnson:
            shown = [word for word in JOHNSON_WORDS if word in page]
            if shown:
                problems.append(f"LEAK {where}: shows {shown}")
        if row.method == "POST":
            if outcome == OK and row.audits and not AuditEntry.objects.filter(pk__gt=audits, action=row.audits).exists():
                problems.append(f"{where}: changed a payment without an audit entry {row.audits}")
            if outcome != OK and _state() != before:
                problems.append(f"{where}: a refused request changed data")
        for word in row.shows.get(role, []):
            if word not in page:
                problems.append(f"{where}: should show {word!r} (is the check blind?)")
        transaction.set_rollback(True)


def _run(client, world):
    problems = []
    for row in MATRIX:
        for role in ROLES:
            _check(client, row, role, world, problems)
    return problems


def test_every_money_url_answers_each_person_as_the_table_says_with_no_leaks(client, world, capsys):
    problems = _run(client, world)
    leaks = [p for p in problems if p.startswith("LEAK")]
    with capsys.disabled():
        print(f"\nmoney access matrix: {len(MATRIX)} URL rows × {len(ROLES)} people = {len(MATRIX) * len(ROLES)} requests, {len(leaks)} leaks")
    assert not problems, "\n".join(problems)
    assert len(MATRIX) * len(ROLES) == 200  # the figure in the docstring


def test_every_money_url_name_has_a_row():
    names = {pattern.name for pattern in urlpatterns if isinstance(pattern, URLPattern)}
    assert {row.name for row in MATRIX} == names and len(names) == 13


def test_a_loosened_policy_is_caught_as_a_leak(client, world, monkeypatch):
    from reimbursements import policies

    monkeypatch.setattr(policies, "family_claims", lambda user: Claim.objects.all() if policies.is_family(user) else Claim.objects.none())
    leaks = [p for p in _run(client, world) if p.startswith("LEAK") or "expected 404" in p]
    assert leaks, "the matrix did not notice families seeing each other's claims"


def test_fiscal_staff_see_no_childs_disclosure(client, world, child):
    client.force_login(world["people"]["fiscal"])
    placement = child.placements.get()
    for name in ("placements:child", "placements:staff_child"):
        assert client.get(reverse(name, args=[placement.pk])).status_code == 404
