"""Every form of the portal, filled in by hypothesis with what people (and attackers) type: 0 server errors, nothing half-saved.

The forms are found, not listed: every page of the policy table (tests/security/policy.py) is opened as each person it
lets in, and each ``<form method="post">`` on it (its action, its fields, the options of its lists) is collected. Each
form is then posted, as the person who saw it, with generated values: the options offered, text of every kind (empty,
very long, other scripts, control characters and NUL bytes, markup, SQL), numbers too large or negative, impossible
dates and times, files of random bytes under a PDF or photo name, management-form counts out of range, fields left out
and fields added. Every post runs in a rolled-back savepoint.

A post must answer without a server error, and a post that was turned down (an error status, or the page back with a
form that has errors) must have changed nothing: no row added or removed in any of the portal's tables (the audit
log and read receipts aside, which record reading). Every POST row of the policy table must have been reached through a form.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .policy import OK, POLICY, ROLES
from .test_every_url import _portal_url, _sign_in

pytestmark = pytest.mark.django_db

EXAMPLES = 15  # generated posts per form (the figure per form is printed)
CHECKED_APPS = ("accounts", "followups", "notifications", "reports", "satisfaction", "inquiries", "messaging", "placements",
                "events", "reimbursements")

NASTY = [
    "", " ", "0", "-1", "99999999999999999999999", "1e309", "NaN", "-0.001", "3.14159265358979323846", "٣٤", "１２",
    "2027-02-30", "2027-13-01", "0000-00-00", "9999-12-31", "2027-03-01T25:61", "25:61", "24:00", "yesterday",
    "../../etc/passwd", "<script>alert(1)</script>", "'; DROP TABLE accounts_user; --", "\x00", "a\x00b", "\u202e", "😀" * 3,
    "x" * 5000, "Ms. O'Brien-García", "None", "null", "true", "[]", "{}", "%s%s%s", "{{ 7*7 }}",
]
FILE_NAMES = ["receipt.pdf", "photo.jpg", "scan.png", "IMG_0001.HEIC", "payments.csv", "note.txt", "evil.php", "..%2F..%2Fx.pdf", "a" * 300 + ".pdf"]


@dataclass
class Form:
    action: str
    role: str
    page: str
    fields: dict[str, dict] = field(default_factory=dict)  # name → {"type", "options", "value"}


class FormParser(HTMLParser):
    """The post forms of a page, with their fields and the options of their lists."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {"action": attrs.get("action") or self.page_url, "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "textarea") and attrs.get("name") and attrs.get("name") != "csrfmiddlewaretoken":
            kind = attrs.get("type", "text") if tag == "input" else "textarea"
            if kind in ("submit", "button", "reset", "image"):
                if attrs.get("name"):
                    self._form["fields"].setdefault(attrs["name"], {"type": "submit", "options": [], "value": attrs.get("value", "")})
                    self._form["fields"][attrs["name"]]["options"].append(attrs.get("value", ""))
                return
            entry = self._form["fields"].setdefault(attrs["name"], {"type": kind, "options": [], "value": attrs.get("value", "")})
            if kind in ("radio", "checkbox"):
                entry["options"].append(attrs.get("value", "on"))
        elif tag == "button" and attrs.get("name"):
            entry = self._form["fields"].setdefault(attrs["name"], {"type": "submit", "options": [], "value": ""})
            entry["options"].append(attrs.get("value", ""))
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form["fields"][self._select] = {"type": "select", "options": [], "value": "", "multiple": "multiple" in attrs}
        elif tag == "option" and self._select:
            self._form["fields"][self._select]["options"].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _forms_on(client, url: str) -> list[dict]:
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    parser = FormParser(url)
    parser.feed(response.content.decode("utf-8", "replace"))
    return parser.forms


def _url_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def collect_forms(client, agency) -> list[Form]:
    forms: dict[tuple, Form] = {}
    for name, rows in POLICY.items():
        for row in rows:
            if row.method != "GET":
                continue
            url = _portal_url(name, row, agency)
            for role in ROLES:
                if role not in agency["people"] or row.expected(role) != OK:
                    continue
                with transaction.atomic():
                    _sign_in(client, role, agency)
                    found = _forms_on(client, url)
                    transaction.set_rollback(True)
                for raw in found:
                    if urlsplit(raw["action"]).netloc:
                        continue  # not the portal's
                    key = (urlsplit(raw["action"]).path, frozenset(raw["fields"]), role in ("parent", "other_family", "ended_family"))
                    forms.setdefault(key, Form(action=raw["action"], role=role, page=url, fields=raw["fields"]))
    return list(forms.values())


# --- What people type ---------------------------------------------------------------------------

text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=400),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates().map(lambda day: day.isoformat()),
)


def _value(spec: dict):
    options = [option for option in spec["options"] if option is not None]
    if spec["type"] in ("select", "radio", "checkbox", "submit") and options:
        chosen = st.sampled_from(options)
        if spec.get("multiple") or spec["type"] == "checkbox":
            return st.one_of(st.lists(chosen, max_size=3, unique=True), text)
        return st.one_of(chosen, chosen, text)
    if spec["type"] == "file":
        return st.builds(
            lambda name, content, kind: SimpleUploadedFile(name, content, content_type=kind),
            st.sampled_from(FILE_NAMES),
            st.one_of(st.binary(max_size=4096), st.sampled_from([b"%PDF-1.4\n%%EOF\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b""])),
            st.sampled_from(["application/pdf", "image/jpeg", "image/png", "text/csv", "application/x-php", ""]),
        )
    if spec["type"] == "hidden" and spec["value"]:
        return st.one_of(st.just(spec["value"]), st.just(spec["value"]), text)  # management forms, keys: mostly kept
    return text


def submission(form: Form):
    """Generated POST data for one form: each field given, left out, or garbled; sometimes a field nobody asked for."""
    fields = {name: st.one_of(_value(spec), st.none()) for name, spec in form.fields.items()}
    extra = st.dictionaries(st.text(alphabet=string.ascii_lowercase + "-_", min_size=1, max_size=12), text, max_size=2)
    return st.tuples(st.fixed_dictionaries(fields), extra).map(
        lambda pair: {**pair[1], **{name: value for name, value in pair[0].items() if value is not None}}
    )


# Records of reading, not of a change: a conversation shown again (with the form's messages) has been read.
READS = {"messaging.ReadState"}


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in CHECKED_APPS and model._meta.label not in READS
    }


def _refused(response) -> bool:
    """The post was turned down: an error status, or the page came back with a form that has errors."""
    if response.status_code >= 400:
        return True
    if response.context is None:
        return False
    contexts = response.context if isinstance(response.context, list) else [response.context]
    for context in contexts:
        for value in context.flatten().values():
            if isinstance(value, (BaseForm, BaseFormSet)) and value.is_bound and not value.is_valid():
                return True
    return False


def _changed(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return [f"{label} {before[label]}→{after[label]}" for label in before if before[label] != after[label]]


@pytest.fixture
def no_rate_limits(settings):  # noqa: F811  (pytest-django's settings, not hypothesis's)
    settings.ACCOUNT_RATE_LIMITS = False  # hundreds of sign-in forms from one address are the point here


def test_every_form_survives_generated_input_without_a_server_error_or_a_half_saved_change(client, agency, no_rate_limits, capsys):
    forms = collect_forms(client, agency)
    problems: list[str] = []
    posts = 0

    for form in forms:

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(data=submission(form))
        def post(data):
            nonlocal posts
            posts += 1
            with transaction.atomic():
                _sign_in(client, form.role, agency)
                before = _counts()
                try:
                    response = client.post(form.action, data)
                except Exception as error:  # the test client re-raises what would have been a 500
                    problems.append(f"POST {form.action} as {form.role}: {type(error).__name__}: {error!s:.200} with {data!r:.300}")
                    transaction.set_rollback(True)
                    return
                if response.status_code >= 500:
                    problems.append(f"POST {form.action} as {form.role}: {response.status_code} with {data!r:.300}")
                elif _refused(response) and (changed := _changed(before, _counts())):
                    problems.append(f"POST {form.action} as {form.role}: answered {response.status_code} but changed {changed} with {data!r:.300}")
                transaction.set_rollback(True)

        post()

    reached = {_url_name(form.action) for form in forms}
    posted_rows = {name for name, rows in POLICY.items() for row in rows if row.method == "POST"}
    with capsys.disabled():
        print(f"\nfuzzing: {len(forms)} forms × {EXAMPLES} generated submissions = {posts} posts, {len(problems)} problems")
    assert not problems, "\n".join(problems[:40])
    assert posted_rows - reached == set(), "POST addresses no page offers a form for (the fuzzing never reached them)"
    assert len(forms) > 50
