"""The demo's money, written through reimbursements.services at moments relative to when the demo is loaded.

The story (Mr. Baker is the fiscal clerk of every demo family):
- Board: two months ago was paid through the accounting file; last month is approved and sent
  (or paid, once its expected date has passed); this month is scheduled. The Johnsons' board for
  last month is held, with the reason they read.
- The clothing allowance of each child placed is owed from the day of placement; Maya's was paid.
- The Garcias' claims: the mileage to Maya's disposition hearing (prefilled from the hearing) came
  back for the return trip; Leo's day care is approved and waiting to be paid; Maya's school trip
  was paid; a birthday party was not approved (with how to ask for a review).
- The Nguyens' child care has waited 12 business days for a decision: overdue, on the supervisor's list.
- The Johnsons sent a mileage claim two hours ago.
Loading twice changes nothing: the claims are made only when the demo has none yet.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile

from messaging.attachments import CheckedFile
from placements.events.services import attended_trips
from placements.models import Child
from portal import business_days
from portal.accounts.models import Household, Role, User
from reimbursements import rates, services
from reimbursements.models import BoardPayment, Claim
from reimbursements.services import ItemInput

from ._demo_placements import GARCIA, JOHNSON, NGUYEN, _at, _business_days_before, _dated

# The smallest real JPEG: what a phone photo of a receipt starts with, enough for the demo.
RECEIPT_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720"
    "222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405"
    "060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a"
    "161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798"
    "999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100"
    "003f00fbd3ffd9"
)


def _receipt(name: str) -> CheckedFile:
    return CheckedFile(file=ContentFile(RECEIPT_JPEG, name=name), name=name, content_type="image/jpeg", size=len(RECEIPT_JPEG))


class MoneyDemo:
    def __init__(self, *, now: datetime):
        self.now = now
        self.today = business_days.local_date(now)
        self.lines: list[str] = []

    def load(self) -> list[str]:
        self.clerk = User.objects.filter(role=Role.FISCAL).order_by("pk").first()
        if self.clerk is None:
            return self.lines
        self.garcia = Household.objects.get(licence_number=GARCIA)
        self.johnson = Household.objects.get(licence_number=JOHNSON)
        self.nguyen = Household.objects.get(licence_number=NGUYEN)
        self._board()
        if not Claim.objects.exclude(kind=Claim.Kind.CLOTHING).exists():
            self._clothing()
            self._garcia_claims()
            self._other_claims()
        self.lines.append(
            f"  Money: {Claim.objects.filter(status__in=Claim.WITH_FISCAL).count()} claims wait for fiscal staff "
            f"(sign in as {self.clerk.email}); the Garcias' page shows board payments, the clothing allowance and four claims."
        )
        return self.lines

    # --- board ---------------------------------------------------------------------------------

    def _board(self) -> None:
        this_month = self.today.replace(day=1)
        last_month = (this_month - timedelta(days=1)).replace(day=1)
        before = (last_month - timedelta(days=1)).replace(day=1)
        for month in (before, last_month, this_month):
            services.generate_board_payments(month=month, now=min(self.now, _at(rates.month_bounds(month)[1], 23, 0)))
        old = list(BoardPayment.objects.filter(month=before, status=BoardPayment.Status.SCHEDULED))
        if old:
            approved_at = _at(business_days.nth_business_day_of_month(last_month.year, last_month.month, 2), 10, 0)
            services.move_board_payments(actor=self.clerk, payments=old, to=BoardPayment.Status.APPROVED, now=approved_at)
            self._pay_by_file(old, paid_on=old[0].expected_on, at=_at(old[0].expected_on, 16, 0))
        held = BoardPayment.objects.filter(month=last_month, household=self.johnson, status=BoardPayment.Status.SCHEDULED)
        if held.exists():
            services.move_board_payments(
                actor=self.clerk, payments=list(held), to=BoardPayment.Status.HELD, now=self.now - timedelta(days=2),
                reason="Your licence renewal form has not reached us yet. We pay as soon as it arrives; your resource worker can help.",
            )
        last = list(BoardPayment.objects.filter(month=last_month, status=BoardPayment.Status.SCHEDULED))
        if last:
            approved_at = min(self.now - timedelta(hours=3), _at(self.today.replace(day=1), 9, 0) + timedelta(days=1))
            services.move_board_payments(actor=self.clerk, payments=last, to=BoardPayment.Status.APPROVED, now=approved_at)
            services.move_board_payments(actor=self.clerk, payments=last, to=BoardPayment.Status.SENT, now=approved_at + timedelta(hours=1))
            if last[0].expected_on < self.today:
                self._pay_by_file(last, paid_on=last[0].expected_on, at=_at(last[0].expected_on, 16, 0))

    def _pay_by_file(self, payments, *, paid_on: date, at: datetime) -> None:
        at = min(at, self.now - timedelta(minutes=10))
        lines = ["reference,paid_date,amount,payment_number"]
        lines += [f"{p.reference},{paid_on.isoformat()},{p.amount},EFT-{paid_on:%y%m}{p.pk:04d}" for p in payments]
        batch, _preview = services.upload_import(actor=self.clerk, name=f"payments-{paid_on:%Y-%m-%d}.csv", raw="\n".join(lines).encode(), now=at)
        services.apply_import(actor=self.clerk, batch=batch, now=at)

    # --- the clothing allowance ---------------------------------------------------------------

    def _clothing(self) -> None:
        maya = Claim.objects.filter(kind=Claim.Kind.CLOTHING, child__first_name="Maya", status=Claim.Status.APPROVED).first()
        if maya is not None:
            paid_on = business_days.local_date(maya.submitted_at) + timedelta(days=7)
            at = min(_at(paid_on, 15, 0), self.now - timedelta(hours=1))
            with _dated(at):
                services.mark_claim_paid(actor=self.clerk, claim=maya, paid_on=min(paid_on, self.today), payment_number="CHQ-20417", now=at)

    # --- claims ---------------------------------------------------------------------------------

    def _parent(self, household: Household) -> User:
        return User.objects.filter(household=household, role=Role.RESOURCE_PARENT).order_by("pk").first()

    def _garcia_claims(self) -> None:
        elena = self._parent(self.garcia)
        maya = Child.objects.get(first_name="Maya", last_name="Lopez")
        leo = Child.objects.get(first_name="Leo", last_name="Lopez")
        # The mileage to the disposition hearing, prefilled from the hearing she attended.
        trips = attended_trips(household=self.garcia, since=self.today - timedelta(days=80), until=self.today)
        sent_at = _at(_business_days_before(self.today, 9), 20, 30)
        if trips:
            trip = trips[0]
            items = [ItemInput(on=trip.day, description=trip.what, from_place="Home, Jackson", to_place=trip.place, miles=Decimal("14.6"), event_id=trip.event_id)]
        else:
            items = [ItemInput(on=self.today - timedelta(days=20), description="Court hearing", from_place="Home, Jackson", to_place="Hinds County Youth Court", miles=Decimal("14.6"))]
        with _dated(sent_at):
            mileage = services.submit_claim(user=elena, kind=Claim.Kind.MILEAGE, child=maya, items=items, now=sent_at)
        taken = _at(_business_days_before(self.today, 7), 9, 15)
        with _dated(taken):
            services.take_claim(actor=self.clerk, claim=mileage, now=taken)
            services.ask_for_information(
                actor=self.clerk, claim=mileage, reason=Claim.InfoReason.TRIP_DETAILS, now=taken + timedelta(minutes=20),
                note="Thank you! Was this one way? If you drove back home the same day, add the return trip (14.6 miles) and send it again.",
            )
        # Leo's day care, approved three days ago: the payment is promised.
        day_care = self._expense(elena, Claim.Kind.CHILD_CARE, leo, "Day care while at Leo's speech therapy intake", "48.00", 10, "day-care.jpg")
        approved = _at(_business_days_before(self.today, 3), 11, 0)
        with _dated(approved):
            services.take_claim(actor=self.clerk, claim=day_care, now=approved - timedelta(minutes=30))
            services.approve_claim(actor=self.clerk, claim=day_care, now=approved)
        # Maya's school trip: paid.
        school = self._expense(elena, Claim.Kind.SCHOOL_FEES, maya, "School field trip to the science museum", "15.00", 30, "field-trip.jpg")
        decided = _at(_business_days_before(self.today, 22), 10, 0)
        with _dated(decided):
            services.approve_claim(actor=self.clerk, claim=school, now=decided)
            services.mark_claim_paid(actor=self.clerk, claim=school, paid_on=business_days.local_date(decided) + timedelta(days=3), payment_number="EFT-88213", now=decided + timedelta(days=3))
        # A birthday party: not approved, with the reason and how to ask for a review.
        party = self._expense(elena, Claim.Kind.OTHER, maya, "Maya's birthday party supplies", "62.40", 18, "party.jpg")
        refused = _at(_business_days_before(self.today, 12), 14, 0)
        with _dated(refused):
            services.deny_claim(
                actor=self.clerk, claim=party, reason=Claim.DenialReason.COVERED_ELSEWHERE, now=refused,
                note="Birthday costs are part of the monthly board payment, which includes an amount for gifts and celebrations.",
            )

    def _expense(self, parent, kind, child, what, amount, days_ago, receipt) -> Claim:
        sent_at = _at(_business_days_before(self.today, days_ago), 19, 10)
        with _dated(sent_at):
            return services.submit_claim(
                user=parent, kind=kind, child=child, now=sent_at, receipts=[_receipt(receipt)],
                items=[ItemInput(on=business_days.local_date(sent_at) - timedelta(days=2), description=what, amount=Decimal(amount))],
            )

    def _other_claims(self) -> None:
        zoe = Child.objects.filter(first_name="Zoe", last_name="Park").first()
        if zoe is not None:
            self._expense(self._parent(self.nguyen), Claim.Kind.CHILD_CARE, zoe, "After-school care, two weeks", "120.00", 12, "after-school.jpg")
        kiara = Child.objects.filter(first_name="Kiara", last_name="Wells").first()
        if kiara is not None:
            sent_at = self.now - timedelta(hours=2)
            with _dated(sent_at):
                services.submit_claim(
                    user=self._parent(self.johnson), kind=Claim.Kind.MILEAGE, child=kiara, now=sent_at,
                    items=[ItemInput(on=self.today - timedelta(days=3), description="Dentist appointment", from_place="Home, Clinton", to_place="Jackson Dental Care", miles=Decimal("11.2"))],
                )
