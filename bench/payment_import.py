"""How long do the accounting file's preview and apply take for 1 000 and 10 000 rows?

    .venv/bin/python bench/payment_import.py                          # fresh SQLite file in a temp dir
    .venv/bin/python bench/payment_import.py --sizes 1000,10000,20000
    .venv/bin/python bench/payment_import.py --database-url postgres://user@host:5432/throwaway   # an EMPTY database

At each size: that many approved claims (bulk-created: the import needs only the claim, its amount
and status, and its open payment promise, which the apply meets), a clean accounting CSV paying all
of them, then the time of upload + preview (`services.upload_import`), of applying
(`services.apply_import`: lock, check again, bulk updates, one history row and one audit row per
payment, the promises met in bulk) and of a second upload + preview of the same file (every row
"already recorded"), and the number of queries the apply made. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--sizes", default="1000,10000", help="numbers of rows, ascending (default 1000,10000)")
parser.add_argument("--database-url", default=None, help="use this EMPTY database instead of a fresh SQLite file")
ARGS = parser.parse_args()
SIZES = [int(size) for size in ARGS.sizes.split(",")]
if ARGS.database_url:
    os.environ["DATABASE_URL"] = ARGS.database_url
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='import-bench-')}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
os.environ["PORTAL_ENV"] = "development"
os.environ["DJANGO_DEBUG"] = "false"
os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ.setdefault("PORTAL_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from decimal import Decimal  # noqa: E402

from allauth.mfa.totp.internal.auth import TOTP  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from portal import business_days  # noqa: E402
from portal.accounts.models import County, Household, Role, User  # noqa: E402
from portal.followups.services import open_commitment  # noqa: E402
from reimbursements import services  # noqa: E402
from reimbursements.models import Claim  # noqa: E402

call_command("migrate", verbosity=0)
county = County.objects.create(name="Hinds")
clerk = User.objects.create_user("clerk@bench.test", "x", role=Role.FISCAL, first_name="Tom", last_name="Baker")
TOTP.activate(clerk, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # staff see family data only with MFA set up
household = Household.objects.create(name="The Garcia family", licence_number="RF-1", county=county)
now = timezone.now()
paid_on = business_days.local_date(now)

print(f"database: {connection.vendor}")
print(f"{'rows':>7} | {'upload+preview':>15} | {'apply':>9} | {'apply queries':>13} | {'same file again':>15}")
for size in SIZES:
    Claim.objects.all().delete()
    claims = Claim.objects.bulk_create(
        [Claim(household=household, kind=Claim.Kind.MILEAGE, status=Claim.Status.APPROVED, amount=Decimal(10 + i % 90) + Decimal("0.25"), submitted_at=now, decided_at=now, clerk=clerk) for i in range(size)],
        batch_size=1000,
    )
    claims = list(Claim.objects.order_by("pk"))
    for claim in claims[: min(size, 1000)]:  # an open payment promise for the first thousand, met by the apply
        open_commitment(standard="payment-after-approval", subject=claim, owner=clerk, household=household, now=now)
    text = "reference,paid_date,amount,payment_number\n" + "".join(f"{c.reference},{paid_on.isoformat()},{c.amount},EFT{c.pk}\n" for c in claims)
    started = time.perf_counter()
    batch, preview = services.upload_import(actor=clerk, name="payments.csv", raw=text.encode(), now=now)
    previewed = time.perf_counter() - started
    assert len(preview.to_pay) == size and not preview.bad
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            cProfile.runctx("services.apply_import(actor=clerk, batch=batch, now=now)", globals(), locals(), os.environ["BENCH_PROFILE"])
            changed = size
        else:
            changed = services.apply_import(actor=clerk, batch=batch, now=now)
        applied = time.perf_counter() - started
    assert changed == size
    started = time.perf_counter()
    _again, second = services.upload_import(actor=clerk, name="payments.csv", raw=text.encode(), now=now)
    again = time.perf_counter() - started
    assert len(second.already) == size
    print(f"{size:>7} | {previewed * 1000:>12.0f} ms | {applied:>7.2f} s | {len(queries):>13} | {again * 1000:>12.0f} ms")
