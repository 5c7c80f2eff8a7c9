import time, pytest
from datetime import timedelta
from tests.followups.test_sweep_exactly_once import ARRIVALS, NOW, service_standards  # noqa
from portal.followups.services import sweep_commitments
from django.db import connection
from django.test.utils import CaptureQueriesContext

@pytest.mark.django_db(transaction=True)
def test_timing(service_standards, open_promise):
    t=time.monotonic()
    for i in range(300):
        received_at, steps = ARRIVALS[i % len(ARRIVALS)]
        open_promise(received_at + timedelta(seconds=i))
    print("create", time.monotonic()-t)
    t=time.monotonic()
    with CaptureQueriesContext(connection) as q:
        r = sweep_commitments(now=NOW, batch_size=10)
    print("sweep", time.monotonic()-t, r, len(q.captured_queries))
    slow = sorted(q.captured_queries, key=lambda x: -float(x["time"]))[:5]
    for s in slow: print(s["time"], s["sql"][:300])
