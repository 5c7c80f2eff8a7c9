"""The outbox: stored first, e-mailed once, in the reader's language, never during quiet hours."""

from datetime import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.notifications.models import Notification
from portal.notifications.services import (
    NotificationSpec,
    deliver_notification,
    pending_notification_ids,
    queue_notifications,
    quiet_hours_end,
)
from tests.conftest import chicago

pytestmark = pytest.mark.django_db


def _spec(person, **extra):
    context = {"standard_name": "Reply to a family's portal message", "standard_name_es": "Respuesta al mensaje de una familia",
               "owed_to": "The Garcia family", "owner": "Mr. Reed", "due_at": chicago(2027, 3, 2, 17).isoformat()}
    return NotificationSpec(recipient=person, kind=Notification.Kind.OVERDUE_OWNER, context=context, link="/my-day/", **extra)


def test_a_notification_is_emailed_once_even_if_delivered_twice(caseworker):
    [note] = queue_notifications([_spec(caseworker)], now=chicago(2027, 3, 2, 18))
    assert deliver_notification(notification_id=note.pk) is True
    assert deliver_notification(notification_id=note.pk) is False
    assert len(mail.outbox) == 1
    note.refresh_from_db()
    assert note.emailed_at is not None and note.attempts == 1


def test_spanish_readers_get_spanish_email(caseworker):
    caseworker.language = "es"
    caseworker.save()
    [note] = queue_notifications([_spec(caseworker)], now=chicago(2027, 3, 2, 18))
    deliver_notification(notification_id=note.pk)
    message = mail.outbox[0]
    assert "Respuesta al mensaje de una familia" in message.subject
    assert "Hola" in message.body


def test_quiet_hours_hold_a_family_email_until_morning(resource_parent):
    household = resource_parent.household
    household.quiet_hours_start, household.quiet_hours_end = time(21, 0), time(7, 30)
    household.save()
    assert quiet_hours_end(resource_parent, chicago(2027, 3, 2, 22, 15)) == chicago(2027, 3, 3, 7, 30)
    assert quiet_hours_end(resource_parent, chicago(2027, 3, 3, 6, 0)) == chicago(2027, 3, 3, 7, 30)
    assert quiet_hours_end(resource_parent, chicago(2027, 3, 3, 12, 0)) == chicago(2027, 3, 3, 12, 0)
    [note] = queue_notifications([_spec(resource_parent)], now=chicago(2027, 3, 2, 22, 15))
    assert note.pk not in pending_notification_ids(now=chicago(2027, 3, 3, 7, 0))
    assert note.pk in pending_notification_ids(now=chicago(2027, 3, 3, 7, 30))


def test_a_family_that_does_not_want_email_still_sees_it_in_the_portal(client, resource_parent):
    resource_parent.household.contact_by_email = False
    resource_parent.household.save()
    [note] = queue_notifications([_spec(resource_parent)], now=chicago(2027, 3, 2, 12))
    assert note.send_email is False
    assert deliver_notification(notification_id=note.pk) is False
    client.force_login(resource_parent)
    page = client.get(reverse("notifications:centre")).content.decode()
    assert "Overdue: Reply to a family" in page


def test_a_broken_mail_server_leaves_the_notification_in_the_outbox(caseworker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    [note] = queue_notifications([_spec(caseworker)], now=chicago(2027, 3, 2, 18))
    with pytest.raises(OSError):
        deliver_notification(notification_id=note.pk, now=chicago(2027, 3, 2, 18))
    note.refresh_from_db()
    assert note.emailed_at is None and note.last_error
    assert note.pk in pending_notification_ids(now=chicago(2027, 3, 2, 18, 5))


def test_a_down_broker_delays_mail_but_loses_none(caseworker, monkeypatch, django_capture_on_commit_callbacks):
    from portal.notifications import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.deliver_notifications_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        queue_notifications([_spec(caseworker)], now=timezone.now())
    assert mail.outbox == []
    monkeypatch.undo()
    tasks.deliver_pending_notifications_task.apply()
    assert len(mail.outbox) == 1


def test_unread_count_shows_and_clears(client, caseworker):
    queue_notifications([_spec(caseworker), _spec(caseworker)], now=chicago(2027, 3, 2, 18))
    client.force_login(caseworker)
    page = client.get(reverse("notifications:centre")).content.decode()
    assert '<span class="badge">2' in page
    client.post(reverse("notifications:mark_all_read"))
    page = client.get(reverse("notifications:centre")).content.decode()
    assert 'class="badge"' not in page


def test_nobody_reads_someone_elses_notifications(client, caseworker, colleague):
    queue_notifications([_spec(caseworker)], now=chicago(2027, 3, 2, 18))
    client.force_login(colleague)
    assert "Overdue: Reply" not in client.get(reverse("notifications:centre")).content.decode()
