"""Persona fixtures shared by every test (HOUSE_STYLE §6)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal.accounts.models import Role
from tests.factories import HouseholdFactory, OfficeFactory, ParentFactory, TeamFactory, UserFactory

CHICAGO = ZoneInfo("America/Chicago")


def chicago(*args) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


@pytest.fixture(autouse=True)
def _email_and_storage(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
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
