"""What the query-count benches share: a throwaway database, the comparison of two renders' SQL, and tidying up.

Import it before Django is set up: ``use_database()`` sets the environment the portal's settings read.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile


def use_database(database_url: str | None, *, prefix: str) -> str | None:
    """Point the portal at ``database_url``, or at a fresh SQLite file in a new temporary directory (returned)."""
    directory = None
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        directory = tempfile.mkdtemp(prefix=prefix)
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["PORTAL_ENV"] = "development"
    os.environ["DJANGO_DEBUG"] = "false"  # no query log while timing; CaptureQueriesContext forces its own
    os.environ["CELERY_BROKER_URL"] = "memory://"  # the e-mails the services queue stay in-process, never sent
    os.environ.setdefault("PORTAL_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"  # Django's test client, without setup_test_environment()'s template instrumentation
    return directory


def shape(sql: str) -> str:
    """A query without its literal values, so that the same query with other ids compares equal."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def sql_difference(small: list[str], large: list[str]) -> list[str]:
    """The queries one render made and the other did not, values blanked (- small, + large)."""
    return [line for line in difflib.unified_diff([shape(q) for q in small], [shape(q) for q in large], lineterm="", n=0)
            if not line.startswith(("---", "+++", "@@"))]


def tidy(directory: str | None, *, keep: bool, out) -> None:
    if directory and not keep:
        shutil.rmtree(directory, ignore_errors=True)
    elif directory:
        out(f"kept {directory}/bench.sqlite3")
