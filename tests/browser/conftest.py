"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

One browser per session (pytest-playwright's session-scoped ``browser``); each test
opens the contexts it needs, one per person, so a family and a worker can be signed
in side by side. Every page a test visits goes through ``check_page``: no
horizontal scroll at phone width, screenshots at 360 px and 1280 px, and axe-core
with zero violations at both widths.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, TEST_TOTP_SECRET

# Playwright's sync API runs an event loop in the main thread; the test body still
# uses the ORM to arrange data, and the live server thread shares the in-memory DB.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE = Axe()


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "en-US", "timezone_id": "America/Chicago"}


@pytest.fixture(autouse=True)
def _no_login_rate_limits(settings):
    """Other tests' failed sign-ins from 127.0.0.1 must not lock these browsers out (allauth
    counts them in the cache, which may be a Redis shared with the rest of the suite)."""
    settings.ACCOUNT_RATE_LIMITS = False


# What the browser refused to run or load on each page (a console message per violation).
CSP_REPORTS: dict[int, list[str]] = {}


@pytest.fixture
def open_as(new_context, live_server):
    """A fresh browser context (a person on their own device), at phone width."""

    def make() -> Page:
        context = new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        page = context.new_page()
        blocked = CSP_REPORTS.setdefault(id(page), [])
        page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))
        return page

    return make


def totp_code() -> str:
    """The authenticator app's current code. allauth's tolerance is 0 periods by default,
    so wait for a fresh period rather than type a code that expires in transit."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(TEST_TOTP_SECRET, int(time.time()) // period))


def sign_in(page: Page, user, *, check_login: bool = False, check_mfa: bool = False) -> None:
    """The real sign-in: e-mail and password, then the authenticator code for staff."""
    page.goto("/accounts/login/")
    if check_login:
        check_page(page, "login")
    page.get_by_label(re.compile("e-?mail", re.I)).fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^sign in$", re.I)).click()
    if "/accounts/2fa/authenticate/" in page.url:
        if check_mfa:
            check_page(page, "mfa-authenticate")
        code = totp_code()
        # allauth refuses a code twice in its period; a persistent cache (Redis) may remember
        # this user id and code from an earlier run of the suite.
        cache.delete(TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))._get_used_cache_key(code))
        page.locator("input[name=code]").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile(r"^sign in$", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))


def force_sign_in(page: Page, client, live_server, user) -> None:
    """Put a session made by Django's test client into the browser (staff: TOTP is set up)."""
    client.force_login(user)
    session = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": session.value, "url": live_server.url}])


def axe_violations(page: Page) -> str:
    """axe-core's default rules (WCAG 2.x A/AA and best practices); a readable report, or ''."""
    results = AXE.run(page)
    return results.generate_report() if results.violations_count else ""


def check_page(page: Page, name: str) -> None:
    """At 360 px: no sideways scroll; screenshots at 360 and 1280 px; axe clean at both."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state()
    blocked = CSP_REPORTS.get(id(page), [])
    assert not blocked, f"{name}: the Content-Security-Policy blocked {blocked}"
    # The stylesheet must have loaded, or every layout check below would be meaningless.
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") == "rgb(11, 83, 148)", (
        f"{name}: static/css/portal.css did not load"
    )
    problems = []
    original = page.viewport_size
    for label, size in (("360", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        if label == "360":
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > PHONE["width"]:
                wide = page.evaluate(
                    """() => [...document.querySelectorAll('body *')]
                        .filter(el => el.getBoundingClientRect().right > 360)
                        .slice(0, 8).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))"""
                )
                problems.append(f"{name}: page scrolls sideways at 360 px (scrollWidth {scroll_width}); widest: {wide}")
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
        report = axe_violations(page)
        if report:
            problems.append(f"{name} at {label} px — {report}")
    page.set_viewport_size(original or PHONE)
    assert not problems, "\n\n".join(problems)
