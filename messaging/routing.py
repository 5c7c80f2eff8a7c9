"""Who answers a family's message: "never 'that's not my job'" (agency pledge).

The child's caseworker answers about a child, the family's fiscal contact about money,
the resource worker about licensing and anything else. When nobody fits (no worker
assigned yet), the message goes to a supervisor's queue rather than nowhere.

Other apps say what a family may write about (a child placed with them, a claim) by
registering it here at start-up: messaging never imports them (ARCHITECTURE.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

from portal.accounts.models import Household, Role, Team, User

from .models import Topic


@dataclass(frozen=True)
class AboutKind:
    topics: tuple[str, ...]
    for_household: Callable[[Household], Iterable[models.Model]]
    responsible: Callable[[models.Model], User | None]
    label: Callable[[models.Model], str]
    role: Callable[[models.Model], str]


_kinds: dict[type[models.Model], AboutKind] = {}


def register_about(
    model: type[models.Model],
    *,
    topics: tuple[str, ...],
    for_household: Callable[[Household], Iterable[models.Model]],
    responsible: Callable[[models.Model], User | None],
    label: Callable[[models.Model], str] = str,
    role: Callable[[models.Model], str] = lambda obj: "",
) -> None:
    """Let families write about ``model`` rows under ``topics``; ``responsible`` answers."""
    _kinds[model] = AboutKind(topics=topics, for_household=for_household, responsible=responsible, label=label, role=role)


@dataclass(frozen=True)
class Option:
    value: str
    topic: str
    label: str
    about: models.Model | None = None


def _value(topic: str, about: models.Model | None) -> str:
    if about is None:
        return topic
    return f"{topic}:{about._meta.label_lower}:{about.pk}"


def options_for(household: Household) -> list[tuple[str, list[Option]]]:
    """The choices of "What is it about?", grouped by topic, for one family."""
    groups = []
    for topic, topic_label in Topic.choices:
        options = [
            Option(_value(topic, about), topic, kind.label(about), about)
            for kind in _kinds.values()
            if topic in kind.topics
            for about in kind.for_household(household)
        ]
        if not options or topic not in (Topic.CHILD,):
            options.append(Option(topic, topic, _("In general") if options else str(topic_label)))
        groups.append((str(topic_label), options))
    return groups


def resolve(household: Household, value: str) -> Option | None:
    """Turn a submitted choice back into a topic and an object this family may write about."""
    for _label, options in options_for(household):
        for option in options:
            if option.value == value:
                return option
    return None


def about_kind(about: models.Model | None) -> AboutKind | None:
    return _kinds.get(type(about)) if about is not None else None


def responsible_for(household: Household, topic: str, about: models.Model | None) -> User | None:
    kind = about_kind(about)
    if kind is not None:
        person = kind.responsible(about)
    elif topic == Topic.PAYMENT:
        person = household.fiscal_contact
    else:
        person = household.resource_worker
    if person is not None and person.is_active and person.is_agency_staff:
        return person
    return None


def supervisor_queue(household: Household) -> User:
    """Where a message goes when nobody is assigned: the resource worker's supervisor, else the county's."""
    if household.resource_worker_id and household.resource_worker.team_id and household.resource_worker.team.supervisor_id:
        return household.resource_worker.team.supervisor
    team = (
        Team.objects.filter(office__county_id=household.county_id, supervisor__is_active=True)
        .select_related("supervisor")
        .order_by("pk")
        .first()
    )
    if team is not None:
        return team.supervisor
    administrator = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).order_by("pk").first()
    if administrator is None:
        raise LookupError("No supervisor or administrator can receive this family's messages.")
    return administrator


def route(household: Household, topic: str, about: models.Model | None) -> User:
    return responsible_for(household, topic, about) or supervisor_queue(household)


def about_from(about_type_id: int | None, about_id: int | None) -> models.Model | None:
    if about_type_id is None:
        return None
    return ContentType.objects.get_for_id(about_type_id).get_object_for_this_type(pk=about_id)
