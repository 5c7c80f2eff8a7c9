"""Migrations are committed for every model change and can be reversed."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["satisfaction", "reports", "reimbursements", "inquiries", "messaging", "placements", "followups", "notifications", "audit", "accounts"]


def _manage(tmp_path, *args):
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_no_model_change_is_missing_a_migration(tmp_path):
    result = _manage(tmp_path, "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_migration_can_be_reversed_and_applied_again(tmp_path):
    assert _manage(tmp_path, "migrate", "--noinput").returncode == 0
    for app in APPS:
        result = _manage(tmp_path, "migrate", app, "zero", "--noinput")
        assert result.returncode == 0, f"{app}: {result.stdout}{result.stderr}"
    result = _manage(tmp_path, "migrate", "--noinput")
    assert result.returncode == 0, result.stdout + result.stderr
    # The seeded standards come back after going to zero and up again (the data migrations reverse too).
    standards = _manage(
        tmp_path, "shell", "--no-imports", "-c",
        "from portal.followups.models import ServiceStandard; print(' '.join(sorted(ServiceStandard.objects.values_list('code', flat=True))))",
    )
    assert standards.stdout.split() == sorted([
        "clothing-allowance", "disclosure-item", "event-help", "event-notice", "hearing-outcome", "inquiry-first-contact", "inquiry-next-step", "letter-reply",
        "medication-at-placement", "message-reply", "need-follow-up", "observation-receipt", "payment-after-approval",
        "recognition-thanks", "reimbursement-decision",
        "return-call",
    ])
    # So does the default disclosure checklist the administrator edits.
    checklist = _manage(
        tmp_path, "shell", "--no-imports", "-c",
        "from placements.models import ChecklistEntry; print(ChecklistEntry.objects.count())",
    )
    assert checklist.stdout.strip() == "11"
