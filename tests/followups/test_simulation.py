"""A short simulated stretch of an agency's work: nothing forgotten, nothing sent twice, every deadline the reference's.

Seven days from the Wednesday before Thanksgiving: the state holiday, the agency's own closure the day after,
and a weekend, with promises kept on time, late and never. The command's checker compares the ledger,
the outbox and the e-mail with a calculation of its own; then a fault is planted to show the checker notices it.
"""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from portal.followups.models import Commitment, CommitmentEvent, Step
from portal.management.commands._simulation_check import check
from portal.management.commands.simulate_month import simulate
from portal.notifications.models import Notification
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db(transaction=True)  # notifications are delivered on commit, as in production


@pytest.fixture
def simulated(service_standards):
    return simulate(start=date(2026, 11, 25), days=7, seed=7, households=30, placements=12, offices=1, tick_minutes=30)


def test_a_stretch_over_a_holiday_forgets_nothing_and_sends_nothing_twice_and_the_checker_would_see_it(simulated):
    report = simulated.report

    assert report["zeros"] == {name: 0 for name in report["zeros"]}
    # Not vacuous: the stretch really reminded, told supervisors and escalated, and people missed promises.
    assert all(report["steps"]["taken"].get(step, 0) > 0 for step in ("remind", "overdue", "escalate"))
    assert report["steps"]["taken"] == report["steps"]["expected"]
    # Every simulated person did something the portal accepts, and every promise was kept the way its app keeps it.
    assert report["run"]["refused by the portal"] == {} and report["run"]["kept with mark as met instead"] == {}
    assert report["outcome"]["met on time"] > 0 and report["outcome"]["met late"] > 0 and report["outcome"]["missed"] > 0
    assert report["notifications"]["e-mailed"] == report["notifications"]["step notices"] > 0
    assert "Thanksgiving" in " ".join(report["agency"]["holidays"])
    assert report["agency"]["closures"] == ["Fri 27 Nov: Day after Thanksgiving"]
    # Deadlines fall at close of business on business days: nobody is told anything on the holiday, the closure or the weekend.
    assert not set(report["steps_by_day"]) & {"2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"}

    # The checker is not blind: a deadline an hour off, an escalation lost and a reminder sent twice are each found.
    escalated = CommitmentEvent.objects.filter(kind=Step.ESCALATE).first()
    Commitment.objects.filter(pk=escalated.commitment_id).update(due_at=escalated.commitment.due_at + timedelta(hours=1))
    CommitmentEvent.objects.filter(pk=escalated.pk).delete()
    notice = Notification.objects.filter(kind=Notification.Kind.DUE_SOON).first()
    notice.pk = None
    notice.save()

    zeros = check(start=simulated.start, end=simulated.end, sweeps=simulated.log.sweeps, plans=simulated.log.plans)["zeros"]

    assert zeros["deadlines differing from the reference"] == 1
    assert zeros["misses not escalated"] == 1
    assert zeros["duplicate notifications"] == 1


def test_the_command_refuses_a_database_with_families(service_standards, tmp_path):
    HouseholdFactory()
    with pytest.raises(CommandError, match="empty one"):
        call_command("simulate_month", "--days", "1", "--out", str(tmp_path))
