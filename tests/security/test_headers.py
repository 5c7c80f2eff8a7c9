"""The family home page's response headers with the production settings: what a browser is told to enforce."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_security(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True


def test_the_family_home_page_tells_the_browser_to_allow_only_the_portals_own_scripts(client, resource_parent, production_security, capsys):
    client.force_login(resource_parent)
    response = client.get(reverse("followups:family_home"), secure=True)
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'" and policy["default-src"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'" and policy["form-action"] == "'self'"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    with capsys.disabled():
        print("\nfamily home page headers:")
        for name in ("Content-Security-Policy", "Strict-Transport-Security", "X-Frame-Options", "X-Content-Type-Options",
                     "Referrer-Policy", "Cross-Origin-Opener-Policy", "Cache-Control"):
            if name in response:
                print(f"  {name}: {response[name]}")


def test_plain_http_is_sent_to_https_and_cookies_travel_only_over_it(client, resource_parent, production_security, settings):
    response = client.get(reverse("followups:family_home"))
    assert response.status_code == 301 and response.url.startswith("https://")
    login = client.post(reverse("account_login"), {"login": resource_parent.email, "password": "a-long-test-password-2026"}, secure=True)
    cookie = login.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_the_load_balancers_health_probe_over_plain_http_is_answered_not_redirected(client, production_security):
    response = client.get(reverse("health"))
    assert response.status_code in (200, 503) and response["Content-Type"] == "application/json"
