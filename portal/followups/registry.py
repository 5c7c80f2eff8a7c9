"""How the ledger asks a domain app about the things its promises are about.

The core never imports a domain app (ARCHITECTURE.md: arrows point inward). Each
app registers its subject models at start-up, in its AppConfig.ready().
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.db import models


@dataclass(frozen=True)
class SubjectKind:
    family_title: Callable[[models.Model], str]
    staff_title: Callable[[models.Model], str]
    family_url: Callable[[models.Model], str | None]
    staff_url: Callable[[models.Model], str | None]
    queryset: Callable[[], models.QuerySet]


_registry: dict[type[models.Model], SubjectKind] = {}


def register_subject(
    model: type[models.Model],
    *,
    family_title: Callable[[models.Model], str],
    staff_title: Callable[[models.Model], str] | None = None,
    family_url: Callable[[models.Model], str | None] = lambda obj: None,
    staff_url: Callable[[models.Model], str | None] = lambda obj: None,
    queryset: Callable[[], models.QuerySet] | None = None,
) -> None:
    """Tell the ledger how to name and link a subject, and how to load many at once (no N+1)."""
    _registry[model] = SubjectKind(
        family_title=family_title,
        staff_title=staff_title or family_title,
        family_url=family_url,
        staff_url=staff_url,
        queryset=queryset or model._default_manager.all,
    )


def describe(subject: models.Model | None) -> SubjectKind | None:
    if subject is None:
        return None
    return _registry.get(type(subject))


def subject_prefetch(lookup: str = "subject"):
    """Load the subjects of many commitments in one query per registered kind."""
    from django.contrib.contenttypes.prefetch import GenericPrefetch

    return GenericPrefetch(lookup, [kind.queryset() for kind in _registry.values()])
