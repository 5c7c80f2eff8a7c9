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


_registry: dict[type[models.Model], SubjectKind] = {}


def register_subject(
    model: type[models.Model],
    *,
    family_title: Callable[[models.Model], str],
    staff_title: Callable[[models.Model], str] | None = None,
    family_url: Callable[[models.Model], str | None] = lambda obj: None,
    staff_url: Callable[[models.Model], str | None] = lambda obj: None,
) -> None:
    _registry[model] = SubjectKind(
        family_title=family_title,
        staff_title=staff_title or family_title,
        family_url=family_url,
        staff_url=staff_url,
    )


def describe(subject: models.Model | None) -> SubjectKind | None:
    if subject is None:
        return None
    return _registry.get(type(subject))
