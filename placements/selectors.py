"""Every read the placement pages make, already scoped by policies.py, with the joins each page needs.

The family's child page costs the same number of queries for 1 or 20 changed items
(bench/child_page_queries.py, tests/placements/test_queries.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from portal import business_days
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.followups.models import Commitment
from portal.followups.services import open_commitments_for

from . import policies
from .models import Acknowledgement, Child, Disclosure, DisclosureItem, FamilyNote, NeedReferral, Placement, RespiteGrant
from .services import ITEM_STANDARD, MEDICATION_STANDARD

_PLACEMENT_JOINS = ("child__caseworker__team__supervisor", "household", "disclosure")


# --- The family's side ------------------------------------------------------------------------


def family_children(user: User) -> QuerySet[Placement]:
    """The children living with the family now, with how much is still being found out and whether they have read it all."""
    pending = DisclosureItem.objects.filter(disclosure__placement=OuterRef("pk"), status=DisclosureItem.Status.PENDING)
    read = Acknowledgement.objects.filter(
        disclosure__placement=OuterRef("pk"), by=user, version=OuterRef("disclosure__version")
    )
    return (
        policies.family_current_placements(user)
        .select_related(*_PLACEMENT_JOINS)
        .annotate(
            pending_count=Subquery(pending.values("disclosure").annotate(n=Count("pk")).values("n")[:1]),
            read_current=Exists(read),
        )
        .order_by("child__first_name")
    )


def family_past_children(user: User) -> QuerySet[Placement]:
    return policies.family_placements(user).filter(ended_on__isnull=False).select_related("child").order_by("-ended_on")


def family_placement(user: User, pk: int) -> Placement:
    return get_object_or_404(policies.family_current_placements(user).select_related(*_PLACEMENT_JOINS), pk=pk)


def family_past_placement(user: User, pk: int) -> Placement:
    return get_object_or_404(policies.family_placements(user).filter(ended_on__isnull=False).select_related("child"), pk=pk)


def own_notes(user: User, placement: Placement) -> QuerySet[FamilyNote]:
    """After a placement ends, all the family still sees: what they themselves wrote."""
    return (
        FamilyNote.objects.filter(item__disclosure__placement=placement, written_by__household_id=user.household_id)
        .select_related("item__entry", "written_by")
        .order_by("item__entry__position", "written_at")
    )


def siblings_here(placement: Placement) -> list[Child]:
    """Brothers and sisters who live with the same family now."""
    return list(
        Child.objects.filter(
            siblings=placement.child, placements__household_id=placement.household_id, placements__ended_on__isnull=True
        )
    )


def last_acknowledgement(user: User, disclosure: Disclosure) -> Acknowledgement | None:
    return Acknowledgement.objects.filter(disclosure=disclosure, by__household_id=user.household_id).select_related("by").first()


def family_needs(user: User, placement: Placement) -> QuerySet[NeedReferral]:
    return policies.family_needs(user).filter(placement=placement).select_related("proposed_by", "consent_by")


def family_need(user: User, pk: int) -> NeedReferral:
    return get_object_or_404(policies.family_needs(user).select_related("placement__household"), pk=pk)


def family_item(user: User, placement: Placement, pk: int) -> DisclosureItem:
    return get_object_or_404(
        DisclosureItem.objects.select_related("entry", "disclosure__placement__child"), pk=pk, disclosure__placement=placement
    )


# --- Items and their promises (both sides) ----------------------------------------------------


@dataclass
class ItemRow:
    item: DisclosureItem
    promise: Commitment | None
    is_new: bool


def items_of(disclosure: Disclosure) -> list[DisclosureItem]:
    return list(
        disclosure.items.select_related("entry", "changed_by").prefetch_related(
            "medications", Prefetch("family_notes", queryset=FamilyNote.objects.select_related("written_by"))
        )
    )


def item_rows(disclosure: Disclosure, *, since: datetime | None) -> list[ItemRow]:
    """Each item with the promise still open for it and whether it changed after ``since`` (the last visit)."""
    items = items_of(disclosure)
    promises = {
        c.subject_id: c
        for c in Commitment.objects.filter(
            subject_type=ContentType.objects.get_for_model(DisclosureItem),
            subject_id__in=[item.pk for item in items],
            status=Commitment.Status.OPEN,
            standard__code=ITEM_STANDARD,
        ).select_related("owner")
    }
    return [
        ItemRow(
            item=item,
            promise=promises.get(item.pk),
            is_new=since is not None and item.changed_at is not None and item.changed_at > since,
        )
        for item in items
    ]


def medication_promise(placement: Placement) -> Commitment | None:
    return open_commitments_for(placement).filter(standard__code=MEDICATION_STANDARD).select_related("owner").first()


def activity(disclosure: Disclosure, *, limit: int = 50) -> list[AuditEntry]:
    """Who on the staff (or which respite provider) read or changed this child's information, newest first."""
    return list(
        AuditEntry.objects.filter(object_type=Disclosure._meta.label_lower, object_id=str(disclosure.pk))
        .filter(Q(actor__isnull=True) | ~Q(actor__role="resource_parent"))
        .select_related("actor")[:limit]
    )


# --- The staff side ---------------------------------------------------------------------------


def _item_promises(placement_ref) -> QuerySet[Commitment]:
    return Commitment.objects.filter(
        subject_type=ContentType.objects.get_for_model(DisclosureItem),
        subject_id__in=DisclosureItem.objects.filter(disclosure__placement=placement_ref).values("pk"),
        status=Commitment.Status.OPEN,
    )


def staff_disclosures(user: User, *, now: datetime) -> QuerySet[Placement]:
    """Current placements with items still being found out, the soonest deadline first."""
    pending = DisclosureItem.objects.filter(disclosure__placement=OuterRef("pk"), status=DisclosureItem.Status.PENDING)
    medication = Commitment.objects.filter(
        subject_type=ContentType.objects.get_for_model(Placement), subject_id=OuterRef("pk"), status=Commitment.Status.OPEN
    )
    return (
        policies.staff_placements(user, now=now)
        .filter(ended_on__isnull=True)
        .select_related(*_PLACEMENT_JOINS)
        .annotate(
            pending_count=Subquery(pending.values("disclosure").annotate(n=Count("pk")).values("n")[:1]),
            next_due=Subquery(_item_promises(OuterRef(OuterRef("pk"))).order_by("due_at").values("due_at")[:1]),
            medication_due=Subquery(medication.order_by("due_at").values("due_at")[:1]),
        )
        # Missing medication first, then the soonest item; nothing pending last (SQLite sorts NULL first by default).
        .order_by(F("medication_due").asc(nulls_last=True), F("next_due").asc(nulls_last=True), "child__first_name")
    )


def staff_placement(user: User, pk: int, *, now: datetime) -> Placement:
    return get_object_or_404(policies.staff_placements(user, now=now).select_related(*_PLACEMENT_JOINS), pk=pk)


def staff_item(user: User, pk: int, *, now: datetime) -> DisclosureItem:
    return get_object_or_404(
        DisclosureItem.objects.filter(disclosure__placement__in=policies.staff_placements(user, now=now)).select_related(
            "entry", "disclosure__placement__child__caseworker", "disclosure__placement__household", "changed_by"
        ),
        pk=pk,
    )


def placeable_children(user: User, *, now: datetime) -> QuerySet[Child]:
    """Children on the user's caseload who are not living with a resource family now."""
    return (
        policies.staff_children(user, now=now)
        .exclude(pk__in=Placement.objects.filter(ended_on__isnull=True).values("child"))
        .select_related("caseworker")
        .order_by("first_name", "last_name")
    )


def respite_grants(user: User, placement: Placement, *, now: datetime) -> QuerySet[RespiteGrant]:
    return (
        RespiteGrant.objects.filter(placement__in=policies.staff_placements(user, now=now), placement=placement)
        .select_related("granted_by")
        .prefetch_related("entries")
    )


def staff_respite_grant(user: User, pk: int, *, now: datetime) -> RespiteGrant:
    return get_object_or_404(
        RespiteGrant.objects.filter(placement__in=policies.staff_placements(user, now=now)).select_related("placement__household"), pk=pk
    )


def staff_needs(user: User, placement: Placement, *, now: datetime) -> QuerySet[NeedReferral]:
    return policies.staff_needs(user, now=now).filter(placement=placement).select_related("proposed_by", "consent_by")


def staff_need(user: User, pk: int, *, now: datetime) -> NeedReferral:
    return get_object_or_404(policies.staff_needs(user, now=now).select_related("placement__household", "placement__child"), pk=pk)


@dataclass
class Completeness:
    label: str
    placements: int
    day_one: int  # percent of items settled by the end of the first business day
    day_five: int
    placements_five: int  # placements old enough to count at five business days
    placements_one: int = 0  # placements old enough to count at one business day


def completeness(user: User, *, now: datetime, days: int = 91) -> tuple[list[Completeness], list[Completeness]]:
    """How much of each disclosure was known 1 and 5 business days after placement, per caseworker and per office.

    Placements recorded in the last ``days`` days; a placement counts at a mark only once the mark has passed.
    The marks come from the one calendar (business_days.deadline), per placement.
    """
    placements = list(
        policies.staff_placements(user, now=now)
        .filter(placed_at__gte=now - timedelta(days=days), placed_at__lte=now)
        .select_related("child__caseworker__team__office")
    )
    settled: dict[int, list[datetime | None]] = defaultdict(list)
    for placement_id, settled_at in DisclosureItem.objects.filter(disclosure__placement__in=placements).values_list(
        "disclosure__placement_id", "settled_at"
    ):
        settled[placement_id].append(settled_at)
    by_worker: dict[str, list] = defaultdict(list)
    by_office: dict[str, list] = defaultdict(list)
    for placement in placements:
        worker = placement.child.caseworker
        marks = []
        for days_after in (1, 5):
            mark = business_days.deadline(placement.placed_at, days_after)
            if mark > now:
                marks.append(None)
                continue
            items = settled[placement.pk]
            done = sum(1 for at in items if at is not None and at <= mark)
            marks.append((done, len(items)))
        by_worker[str(worker) if worker else "—"].append(marks)
        office = worker.team.office if worker and worker.team_id else None
        by_office[str(office) if office else "—"].append(marks)
    return _summarise(by_worker), _summarise(by_office)


def _summarise(groups: dict[str, list]) -> list[Completeness]:
    rows = []
    for label, marks in sorted(groups.items()):
        totals = []
        for index in (0, 1):
            counted = [m[index] for m in marks if m[index] is not None]
            done, total = sum(d for d, _t in counted), sum(t for _d, t in counted)
            totals.append((round(100 * done / total) if total else 0, len(counted)))
        rows.append(Completeness(label=label, placements=len(marks), day_one=totals[0][0], day_five=totals[1][0], placements_five=totals[1][1], placements_one=totals[0][1]))
    return rows
