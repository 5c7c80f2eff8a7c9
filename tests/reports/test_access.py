"""Who sees the service report, of what, and what bad input gets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.accounts.models import Role
from portal.followups.models import ServiceStandard
from tests.conftest import chicago
from tests.factories import OfficeFactory, TeamFactory, UserFactory

PAGES = ["reports:service", "reports:service_csv", "reports:service_promises"]


@pytest.fixture
def two_teams(service_standards, open_promise, caseworker, supervisor, office, time_machine):
    time_machine.move_to(chicago(2027, 3, 31, 12), tick=False)
    ortiz = UserFactory(role=Role.SUPERVISOR, title="Mr.", last_name="Ortiz")
    other_office = OfficeFactory(name="Rankin office")
    east = TeamFactory(office=other_office, supervisor=ortiz, name="East")
    kim = UserFactory(role=Role.CASEWORKER, title="Ms.", last_name="Kim", team=east)
    mine = open_promise(chicago(2027, 3, 1, 9))
    theirs = open_promise(chicago(2027, 3, 2, 9), owner=kim)
    return mine, theirs, ortiz


@pytest.mark.parametrize("name", PAGES)
def test_families_workers_and_strangers_get_no_report(two_teams, client, name, resource_parent, caseworker, fiscal_staff):
    assert client.get(reverse(name)).status_code == 302  # to sign in
    for person in (resource_parent, caseworker, fiscal_staff):
        client.force_login(person)
        assert client.get(reverse(name)).status_code == 404


def test_a_supervisor_counts_only_their_team_and_opens_only_its_promises(two_teams, client, supervisor):
    mine, theirs, _ortiz = two_teams
    client.force_login(supervisor)
    listed = client.get(reverse("reports:service_promises"), {"since": "2027-03", "until": "2027-03"})
    assert [promise.pk for promise in listed.context["page"].object_list] == [mine.pk]
    assert client.get(reverse("followups:commitment", args=[mine.pk])).status_code == 200
    assert client.get(reverse("followups:commitment", args=[theirs.pk])).status_code == 404
    # Naming another office's team in the address is a message on the form, not their figures.
    east = theirs.team
    page = client.get(reverse("reports:service"), {"team": east.pk, "since": "2027-03", "until": "2027-03"})
    assert page.status_code == 200 and page.context["form"].errors["team"]
    assert page.context["overall"].promises == 1


def test_an_office_manager_sees_their_office_and_opens_each_promise_behind_it(two_teams, client, office, caseworker):
    mine, theirs, _ortiz = two_teams
    manager = UserFactory(role=Role.SUPERVISOR, title="Dr.", last_name="Hale")
    office.program_manager = manager
    office.save(update_fields=["program_manager"])
    client.force_login(manager)
    page = client.get(reverse("reports:service"), {"since": "2027-03", "until": "2027-03"})
    assert page.context["overall"].promises == 1 and page.context["breakdown_unit"] == "team"
    assert client.get(reverse("followups:commitment", args=[mine.pk])).status_code == 200
    assert client.get(reverse("followups:commitment", args=[theirs.pk])).status_code == 404


def test_the_administrator_sees_every_office(two_teams, client):
    admin = UserFactory(role=Role.ADMINISTRATOR, last_name="Admin")
    client.force_login(admin)
    page = client.get(reverse("reports:service"), {"since": "2027-03", "until": "2027-03"})
    assert page.context["overall"].promises == 2
    assert sorted(row.promises for row in page.context["breakdown"]) == [1, 1]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"since": "March", "until": "2027-03"}, "since"),
        ({"since": "2027-13", "until": "2027-03"}, "since"),
        ({"since": "2027-03", "until": "2027-01"}, "until"),
        ({"since": "2020-01", "until": "2027-03"}, "until"),  # more than 24 months
        ({"until": "2099-01"}, "until"),  # not due yet
        ({"worker": "nobody"}, "worker"),
        ({"team": "99999"}, "team"),
    ],
)
def test_a_bad_period_or_choice_is_a_message_and_keeps_what_was_typed(two_teams, client, supervisor, params, field):
    client.force_login(supervisor)
    page = client.get(reverse("reports:service"), params)
    assert page.status_code == 200
    assert field in page.context["form"].errors
    html = page.content.decode()
    assert 'value="%s"' % params[field] in html or params[field] in html
    assert client.get(reverse("reports:service_csv"), params).status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"outcome": "everything"}, {"standard": "no-such-standard"}, {"month": "2026-01"}, {"month": "soon"}, {"page": "9999"}],
)
def test_a_tampered_list_address_is_not_found_or_the_last_page(two_teams, client, supervisor, params):
    client.force_login(supervisor)
    response = client.get(reverse("reports:service_promises"), {"since": "2027-03", "until": "2027-03", **params})
    assert response.status_code in (200, 404)
    if "page" in params:
        assert response.status_code == 200


def test_targets_out_of_range_or_out_of_order_are_refused_in_the_admin(db, client, service_standards):
    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    standard = ServiceStandard.objects.get(code="return-call")
    url = reverse("admin:followups_servicestandard_change", args=[standard.pk])
    form = client.get(url).context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    for target, exceeded in ((120, 130), (95, 90)):
        response = client.post(url, {**data, "target_percent": target, "exceeded_percent": exceeded})
        assert response.status_code == 200 and response.context["adminform"].form.errors
    standard.refresh_from_db()
    assert (standard.target_percent, standard.exceeded_percent) == (90, 98)
