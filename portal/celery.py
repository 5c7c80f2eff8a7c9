"""The Celery app and the one beat schedule of the portal."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from django.conf import settings  # noqa: E402  (needs DJANGO_SETTINGS_MODULE)

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "sweep-the-follow-up-ledger": {
        "task": "portal.followups.tasks.sweep_commitments_task",
        "schedule": float(settings.PORTAL_SWEEP_SECONDS),
    },
    "apply-absences": {
        "task": "portal.accounts.tasks.apply_absences_task",
        "schedule": 300.0,
    },
    "remind-families-of-events": {
        "task": "placements.tasks.send_event_reminders_task",
        "schedule": 300.0,
    },
    "promise-outcomes-of-ended-events": {
        "task": "placements.tasks.open_outcome_promises_task",
        "schedule": 300.0,
    },
    "generate-board-payments": {
        # Hourly, so a new placement's board shows the same day; a run that finds nothing to do writes nothing.
        "task": "reimbursements.tasks.generate_board_payments_task",
        "schedule": 3600.0,
    },
    "weekly-digest": {
        # Crontabs read the app's time zone, which is the agency's (CELERY_TIMEZONE): 08:00 there, summer and winter.
        "task": "portal.reports.tasks.send_weekly_digests_task",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
    },
    "ask-yearly-survey": {
        # Daily at 10:00 agency time; each licensed family's parents are asked once a year.
        "task": "portal.satisfaction.tasks.ask_yearly_task",
        "schedule": crontab(minute=0, hour=10),
    },
    "find-families-to-thank": {
        # Daily at 07:00 agency time, before the office opens: the resource worker sees it in "My day".
        "task": "placements.tasks.find_recognitions_task",
        "schedule": crontab(minute=0, hour=7),
    },
    "redeliver-notifications": {
        "task": "portal.notifications.tasks.deliver_pending_notifications_task",
        "schedule": 120.0,
    },
}
