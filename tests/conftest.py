"""Persona fixtures shared by every test (HOUSE_STYLE §6)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal.accounts.models import Role
from tests.factories import HouseholdFactory, OfficeFactory, ParentFactory, TeamFactory, UserFactory

CHICAGO = ZoneInfo("America/Chicago")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` prove what only PostgreSQL's row locks can: on SQLite they are
    deselected (the run reports them as such), never skipped."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


def chicago(*args) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


@pytest.fixture(autouse=True)
def _celery_runs_tasks_in_process():
    """Unit tests run queued tasks in the test process; tests/integration starts a real worker."""
    from portal.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _fresh_cache_and_language():
    """Rate-limit counters (in Redis under CI) and the active language never leak between tests."""
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _email_and_storage(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A deliberately slow hash protects real passwords; tests need speed, not protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture
def office(db):
    manager = UserFactory(role=Role.ADMINISTRATOR, title="Dr.", last_name="Manager", email="manager@agency.test")
    return OfficeFactory(program_manager=manager)


@pytest.fixture
def supervisor(office):
    return UserFactory(role=Role.SUPERVISOR, last_name="Carter", email="supervisor@agency.test")


@pytest.fixture
def team(office, supervisor):
    team = TeamFactory(office=office, supervisor=supervisor)
    supervisor.team = team
    supervisor.save(update_fields=["team"])
    return team


@pytest.fixture
def caseworker(team):
    return UserFactory(role=Role.CASEWORKER, title="Mr.", last_name="Reed", email="caseworker@agency.test", team=team)


@pytest.fixture
def colleague(team):
    return UserFactory(role=Role.CASEWORKER, title="Ms.", last_name="Shah", email="colleague@agency.test", team=team)


@pytest.fixture
def resource_worker(team):
    return UserFactory(role=Role.RESOURCE_WORKER, last_name="Miller", email="resource.worker@agency.test", team=team)


@pytest.fixture
def fiscal_staff(team):
    return UserFactory(role=Role.FISCAL, last_name="Baker", email="fiscal@agency.test", team=team)


@pytest.fixture
def household(office, resource_worker):
    return HouseholdFactory(name="The Garcia family", county=office.county, resource_worker=resource_worker)


@pytest.fixture
def resource_parent(household):
    return ParentFactory(household=household, title="Mrs.", last_name="Garcia", email="garcia@family.test")


@pytest.fixture
def other_family(office):
    return ParentFactory(
        household=HouseholdFactory(name="The Johnson family", county=office.county), last_name="Johnson", email="johnson@family.test"
    )


@pytest.fixture
def child(household, caseworker):
    """Maya, placed with the Garcia family; Mr. Reed is her caseworker."""
    from tests.factories import ChildFactory, PlacementFactory

    maya = ChildFactory(first_name="Maya", last_name="Lopez", caseworker=caseworker)
    PlacementFactory(child=maya, household=household)
    return maya


@pytest.fixture
def open_promise(db, household, caseworker):
    """Open a promise to call the Garcia family back, received at a given moment."""
    from messaging.models import ContactRecord
    from portal.followups.services import open_commitment

    def make(received_at, *, owner=None, standard="return-call", now=None):
        record = ContactRecord.objects.create(
            household=household, kind=ContactRecord.Kind.CALL, received_at=received_at, summary="Please call", recorded_by=owner or caseworker
        )
        return open_commitment(
            standard=standard, subject=record, owner=owner or caseworker, household=household, received_at=received_at, now=now or received_at
        )

    return make


# Every data migration that seeds what the portal needs to run (standards, checklist, tone guide, rates).
SEED_MIGRATIONS = (
    "portal.followups.migrations.0002_seed_service_standards",
    "inquiries.migrations.0002_seed_next_step_standard",
    "messaging.migrations.0003_seed_tone_guide",
    "placements.migrations.0003_seed_checklist_and_standards",
    "placements.migrations.0005_seed_event_standards",
    "placements.migrations.0007_seed_recognition_standard",
    "reimbursements.migrations.0002_seed_rates_and_standard",
)


@pytest.fixture
def service_standards(transactional_db):
    """The seed migrations' rows again: a transactional test's flush removed them for the next one.

    (Django's serialized_rollback would reload them, but the flush's post-migrate signal has
    already recreated content types under new ids, so reloading the old ones collides.)
    """
    import importlib

    from django.apps import apps

    for migration in SEED_MIGRATIONS:
        importlib.import_module(migration).seed(apps, None)
