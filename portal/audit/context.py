"""Where the request being served comes from, for the audit log's "from where" (set by AuditContextMiddleware)."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Origin:
    user: object | None = None
    ip: str | None = None
    user_agent: str = ""


_current: ContextVar[Origin] = ContextVar("audit_origin", default=Origin())
_history_at: ContextVar[datetime | None] = ContextVar("audit_history_at", default=None)


def current() -> Origin:
    """The request being served, or an empty origin (a Celery task, a management command)."""
    return _current.get()


def recorded_at() -> datetime:
    return _history_at.get() or timezone.now()


@contextmanager
def history_at(moment: datetime):
    """Write the lines of a history being loaded (the demo agency's past weeks) at the moment they happened.

    Code only: nothing a request reaches sets it, and the lines stay append-only."""
    token = _history_at.set(moment)
    try:
        yield
    finally:
        _history_at.reset(token)


def client_ip(request) -> str | None:
    """The address the request came from: REMOTE_ADDR, or behind PORTAL_PROXY_COUNT trusted proxies, the address the
    first of them saw (the right-most hops of X-Forwarded-For are the proxies' own; anything further left the client
    could have written itself)."""
    proxies = settings.PORTAL_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = _current.set(
            Origin(
                user=user if user is not None and user.is_authenticated else None,
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
            )
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
