"""Real processes: the test and a Celery worker must read and write the same database.

An in-memory SQLite test database lives inside the pytest process, so when these tests are
collected the SQLite test database becomes a file the worker can open too. PostgreSQL needs
nothing: its test database is a server-side database any process can reach.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.conf import settings

_database = settings.DATABASES["default"]
_sqlite_dir: str | None = None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite_dir = tempfile.mkdtemp(prefix="portal-test-db-")
    _database.setdefault("TEST", {})["NAME"] = str(Path(_sqlite_dir) / "test.sqlite3")


def pytest_unconfigure(config):
    if _sqlite_dir:
        shutil.rmtree(_sqlite_dir, ignore_errors=True)

