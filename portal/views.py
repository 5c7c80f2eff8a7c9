import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache

from portal.accounts.models import Role
from portal.followups.models import Heartbeat
from portal.followups.tasks import SWEEP


@login_required
def home(request):
    """Send each person to the page their day starts on."""
    role = request.user.role
    if role == Role.RESOURCE_PARENT:
        return redirect("followups:family_home")
    if role in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        return redirect("followups:my_team")
    return redirect("followups:my_day")


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _redis_state() -> str:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return "not used"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return "ok" if client.ping() else "down"
        finally:
            client.close()
    except redis.RedisError:
        return "down"


def _sweep_state(now) -> dict:
    try:
        beat = Heartbeat.objects.filter(name=SWEEP).first()
    except DatabaseError:
        return {"state": "unknown"}
    if beat is None:
        return {"state": "never ran"}
    age = int((now - beat.at).total_seconds())
    return {"state": "ok" if age <= settings.PORTAL_SWEEP_STALE_SECONDS else "stale", "finished_at": beat.at.isoformat(), "age_seconds": age}


@never_cache
def health(request):
    """For the load balancer and monitoring: web, database, Redis and the age of the last finished sweep.

    200 when all is well, 503 otherwise. No family data, no version numbers: only states and ages."""
    now = timezone.now()
    checks = {"web": "ok", "database": "ok" if _database_answers() else "down", "redis": _redis_state(), "sweep": _sweep_state(now)}
    healthy = checks["database"] == "ok" and checks["redis"] in ("ok", "not used") and checks["sweep"]["state"] == "ok"
    return JsonResponse({"healthy": healthy, "checked_at": now.isoformat(), **checks}, status=200 if healthy else 503)
