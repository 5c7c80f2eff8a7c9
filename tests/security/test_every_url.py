"""Every address of the portal, taken from the resolver, × every kind of person, with the Garcias' objects.

The expected answers come from one table (tests/security/policy.py). A URL pattern without a row fails
the first test, so a new view is covered the day it is added. The matrix then requests each row as
each of 14 people, inside a rolled-back savepoint, and compares the answer with the table: any other
answer fails. A refused answer must not name the Garcias' child, and a refused POST must change nothing.
The admin site's patterns (every model's list, add, change, history and delete pages) follow one rule:
the administrator only.

The apps' own matrices (tests/*/test_access_matrix.py, tests/reimbursements/test_money_access.py)
go deeper for their URLs: other households' objects, the words each page may show, audit entries.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .policy import ADMIN, ELSEWHERE, FORBIDDEN, LOGIN, MFA, NOT_FOUND, OK, POLICY, ROLES, Rule

pytestmark = pytest.mark.django_db

CHILD_WORDS = ("Ximena", "Lopez-Quade")  # the Garcias' child: never in a refused answer
PROJECT_APPS = ("accounts", "audit", "followups", "notifications", "reports", "satisfaction", "inquiries", "messaging", "placements",
                "events", "reimbursements")


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    converters: tuple[str, ...]


def _walk(resolver: URLResolver, prefix: str = "", namespace: str | None = None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), f"{namespace}:{inner}" if namespace and inner else inner or namespace)
        elif isinstance(entry, URLPattern):
            name = (f"{namespace}:{entry.name}" if namespace else entry.name) if entry.name else f"{namespace or ''}:"
            yield Pattern(name, prefix + str(entry.pattern), tuple(entry.pattern.regex.groupindex))


def every_pattern() -> list[Pattern]:
    return list(_walk(get_resolver()))


def test_every_url_pattern_has_a_row_in_the_policy_table():
    patterns = every_pattern()
    # Only the admin's "<id>/" shortcuts to a change page have no name.
    unnamed = [pattern.route for pattern in patterns if pattern.name.endswith(":") and pattern.name != "admin:"]
    assert not unnamed, f"URL patterns without a name cannot be classified: {unnamed}"
    portal = {pattern.name for pattern in patterns if not pattern.name.startswith("admin:")}
    assert portal - set(POLICY) == set(), "a URL has no row in tests/security/policy.py"
    assert set(POLICY) - portal == set(), "the policy table names a URL that no longer exists"
    admin_names = [pattern.name for pattern in patterns if pattern.name.startswith("admin:")]
    assert len(admin_names) > 100  # every registered model's pages


# --- Filling in each address ----------------------------------------------------------------


def _admin_object(model):
    return model._default_manager.order_by("pk").first()


def _admin_model(short_name: str):
    """The model an admin URL name is about: accounts_user_change → User."""
    for model in admin.site._registry:
        if short_name.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    if short_name.startswith("auth_user_"):  # UserAdmin names its password page after django.contrib.auth
        return get_user_model()
    return None


def _admin_requests(agency) -> list[tuple[str, str, bool]]:
    """Each admin pattern once, with an existing object where it takes one: (name, url, whether the object exists)."""
    requests = []
    household_type = ContentType.objects.get_for_model(agency["household"])
    for pattern in every_pattern():
        if not pattern.name.startswith("admin:"):
            continue
        short = pattern.name.split(":", 1)[1]
        if short == "app_list":
            for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
                requests.append((pattern.name, reverse(pattern.name, kwargs={"app_label": app_label}), True))
            continue
        if short == "view_on_site":
            requests.append((pattern.name, reverse(pattern.name, args=[household_type.pk, agency["household"].pk]), True))
            continue
        if short == "":
            continue  # an unnamed "<id>/" shortcut: it only redirects to the change page below
        kwargs, exists = {}, True
        for converter in pattern.converters:  # object_id, or id for a person's password page
            found = _admin_object(_admin_model(short))
            exists = found is not None
            kwargs[converter] = found.pk if exists else 999999
        requests.append((pattern.name, reverse(pattern.name, kwargs=kwargs), exists))
    return requests


def _portal_url(name: str, row: Rule, agency) -> str:
    if row.args == "nonsense_key":
        return reverse(name, kwargs={"key": "not-a-key"})
    if row.args == "reset_key":
        return reverse(name, kwargs={"uidb36": "zz", "key": "not-a-key"})
    return reverse(name, args=agency["args"][row.args] if row.args else [])


# --- Who is asking -----------------------------------------------------------------------------


def _sign_in(client, role: str, agency) -> None:
    client.logout()
    person = agency["people"].get(role)
    if person is not None:
        client.force_login(person)


def _outcome(client, response) -> str:
    if response.status_code in (301, 302, 303):
        target = response.url
        if target.startswith(reverse("admin:login")):  # the admin's sign-in sends on to the portal's, or refuses
            return _outcome(client, client.get(target))
        if target.startswith(reverse("account_login")):
            return LOGIN
        if target.startswith(reverse("mfa_activate_totp")):
            return MFA
        return ELSEWHERE
    if response.status_code in (200, 204):
        return OK
    return str(response.status_code)


def _matches(expected: str, outcome: str, method: str) -> bool:
    if expected == OK and method == "POST":  # let in: done and sent on, or told what was wrong with the (empty) form
        return outcome in (OK, ELSEWHERE, "400")
    return expected == outcome


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _counts() -> tuple:
    return tuple(model._default_manager.count() for model in apps.get_models() if model._meta.app_label in PROJECT_APPS)


# --- The matrix --------------------------------------------------------------------------------


def _cell(client, agency, role: str, method: str, url: str, expected: str, problems: list[str]) -> None:
    with transaction.atomic():
        _sign_in(client, role, agency)
        before = _counts() if method == "POST" and expected != OK else None
        response = client.get(url) if method == "GET" else client.post(url, {})
        outcome = _outcome(client, response)
        label = f"{method} {url} as {role}"
        if not _matches(expected, outcome, method):
            problems.append(f"{label}: expected {expected}, got {outcome}")
        if expected != OK:
            body = _body(response)
            shown = [word for word in CHILD_WORDS if word in body]
            if shown:
                problems.append(f"{label}: a refused answer names {shown}")
            if before is not None and _counts() != before:
                problems.append(f"{label}: a refused request changed data")
        transaction.set_rollback(True)


def _admin_expected(role: str, name: str, found: bool, agency) -> set[str]:
    """The administrator is let in; the admin may still refuse an action on a read-only record (403) or
    have no page for an object (404, "view on site" for a household)."""
    expected = ADMIN.expected(role)
    if name == "admin:logout" and expected in (FORBIDDEN, LOGIN):
        return {ELSEWHERE}
    if expected != OK:
        return {expected}
    short = name.split(":", 1)[1]
    if short == "login":
        return {ELSEWHERE}  # already signed in: on to the admin's index
    if short == "logout":
        return {"405"}  # signing out is a POST (everyone else is sent to the admin's index, then refused)
    if short == "view_on_site":
        return {NOT_FOUND}
    if short == "autocomplete":
        return {FORBIDDEN}  # asked without a field to complete
    request = RequestFactory().get("/")
    request.user = agency["people"]["administrator"]
    model = _admin_model(short)
    if model is not None:
        model_admin = admin.site._registry[model]
        action = short.rsplit("_", 1)[-1]
        permitted = {"add": model_admin.has_add_permission, "delete": model_admin.has_delete_permission}.get(action)
        if permitted is not None and not permitted(request):
            return {FORBIDDEN}
    if not found:
        return {ELSEWHERE}  # no such record: back to the list, with a message
    return {OK}


def test_every_url_answers_every_person_as_the_policy_table_says(client, agency, capsys):
    problems: list[str] = []
    cells = 0
    for name, rows in POLICY.items():
        for row in rows:
            url = _portal_url(name, row, agency)
            for role in ROLES:
                if role.startswith("respite_") and name == "placements:respite":
                    # The provider opens the link they were given: theirs, not the row's.
                    url_for_role = reverse(name, args=agency["args"][role])
                    expected = OK if role == "respite_current" else NOT_FOUND
                    _cell(client, agency, role, row.method, url_for_role, expected, problems)
                else:
                    _cell(client, agency, role, row.method, url, row.expected(role), problems)
                cells += 1
    admin_cells = 0
    for name, url, found in _admin_requests(agency):
        for role in ROLES:
            with transaction.atomic():
                _sign_in(client, role, agency)
                outcome = _outcome(client, client.get(url))
                expected = _admin_expected(role, name, found, agency)
                if outcome not in expected:
                    problems.append(f"GET {url} as {role}: expected {' or '.join(sorted(expected))}, got {outcome}")
                transaction.set_rollback(True)
            admin_cells += 1
    with capsys.disabled():
        print(f"\nevery URL: {cells} portal cells ({sum(len(rows) for rows in POLICY.values())} rows) and {admin_cells} admin cells "
              f"× {len(ROLES)} people, {len(problems)} unexpected answers")
    assert not problems, "\n".join(problems)


def test_the_table_refuses_more_than_it_allows():
    """A guard on the table itself: a table that lets everyone in proves nothing."""
    cells = [(row, role) for rows in POLICY.values() for row in rows for role in ROLES]
    refused = sum(1 for row, role in cells if row.expected(role) != OK)
    assert refused > len(cells) / 2
