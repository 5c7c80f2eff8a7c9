"""PostgreSQL: the migrations apply to an empty database and to one with data, and the documented backup and restore
(scripts/backup_db.sh, scripts/restore_db.sh, README "Backup and restore") bring back every row of a demo database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db.migrations import RunPython
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "audit", "followups", "notifications", "reports", "satisfaction", "inquiries", "messaging", "placements",
        "reimbursements"]

pytestmark = pytest.mark.postgres


def _server_url(database: str) -> str:
    config = settings.DATABASES["default"]
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    return f"postgres://{config['USER']}{password}@{config['HOST']}:{config['PORT']}/{database}"


def _run(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    env.update(DATABASE_URL=database_url, PORTAL_ENV="development", CELERY_TASK_ALWAYS_EAGER="true")
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def _manage(*args: str, database_url: str) -> None:
    result = _run(sys.executable, "manage.py", *args, database_url=database_url)
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"


def _row_counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url, autocommit=True) as connection:
        tables = [row[0] for row in connection.execute("select tablename from pg_tables where schemaname = 'public' order by 1")]
        return {table: connection.execute(f'select count(*) from "{table}"').fetchone()[0] for table in tables}


@pytest.fixture
def scratch_databases():
    names = [f"portal_backup_{uuid.uuid4().hex[:8]}", f"portal_restore_{uuid.uuid4().hex[:8]}"]
    with psycopg.connect(_server_url("postgres"), autocommit=True) as connection:
        for name in names:
            connection.execute(f'create database "{name}"')
    yield [_server_url(name) for name in names]
    with psycopg.connect(_server_url("postgres"), autocommit=True) as connection:
        for name in names:
            connection.execute(f'drop database if exists "{name}" with (force)')


def _previous_migrations() -> dict[str, str]:
    """For each app whose latest migration changes tables (not one that seeds rows), the migration before it.

    Going back there and forward again runs that migration on tables full of the demo's rows. A seed
    migration cannot be reversed under data that refers to what it seeded (a standard with promises),
    and an app's first migration would only drop and create empty tables, so those are left out."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    previous = {}
    for app in APPS:
        names = sorted(name for label, name in loader.disk_migrations if label == app)
        latest = loader.disk_migrations[(app, names[-1])]
        if len(names) > 1 and not any(isinstance(operation, RunPython) for operation in latest.operations):
            previous[app] = names[-2]
    return previous


def test_migrations_apply_empty_and_with_data_and_a_backup_restores_every_row(scratch_databases, tmp_path):
    live, restored = scratch_databases
    _manage("migrate", "--noinput", database_url=live)  # an empty database
    _manage("load_demo", database_url=live)
    # With the demo's rows in every table: each app's latest migration reversed and applied again.
    previous = _previous_migrations()
    assert {"accounts", "followups", "notifications"} <= set(previous)
    for app, name in previous.items():
        _manage("migrate", app, name, "--noinput", database_url=live)  # also unapplies what depends on it in other apps
        _manage("migrate", "--noinput", database_url=live)
    _manage("migrate", "--check", database_url=live)
    before = _row_counts(live)
    assert before["placements_child"] > 0 and before["messaging_message"] > 0 and before["reimbursements_claim"] > 0

    backup = tmp_path / "portal.dump"
    made = _run("bash", "scripts/backup_db.sh", live, str(backup), database_url=live)
    assert made.returncode == 0 and backup.stat().st_size > 0, made.stderr
    back = _run("bash", "scripts/restore_db.sh", str(backup), restored, database_url=restored)
    assert back.returncode == 0, back.stdout + back.stderr
    assert _row_counts(restored) == before

    # A second restore into the same database is refused: restoring over a live portal is never an accident.
    again = _run("bash", "scripts/restore_db.sh", str(backup), restored, database_url=restored)
    assert again.returncode == 1 and "restore into an empty database" in again.stderr
