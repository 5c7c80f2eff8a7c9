"""The one place that says whose promises a person may count in the service report.

Supervisors see their teams, office managers (an office's program manager) their offices,
administrators the agency. A promise counts where it was owed (``Commitment.team`` and
``office``, kept as they were), so a worker who changed team mid-period leaves their old
promises with the old team.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from portal.accounts.models import Office, Role, Team, User
from portal.accounts.policies import may_see_family_data
from portal.followups.models import Commitment


def may_see_report(user) -> bool:
    if not user.is_authenticated or not may_see_family_data(user):
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    return user.role == Role.SUPERVISOR and (reportable_teams(user).exists())


def _agency_wide(user) -> bool:
    return user.role == Role.ADMINISTRATOR


def reportable_offices(user) -> QuerySet[Office]:
    if _agency_wide(user):
        return Office.objects.all()
    return Office.objects.filter(program_manager=user)


def reportable_teams(user) -> QuerySet[Team]:
    if _agency_wide(user):
        return Team.objects.all()
    return Team.objects.filter(Q(supervisor=user) | Q(office__program_manager=user))


def reportable_workers(user) -> QuerySet[User]:
    """Everyone who owed a promise in the person's teams: members now, and those who have moved on."""
    staff = User.objects.exclude(role=Role.RESOURCE_PARENT)
    if _agency_wide(user):
        return staff
    owed_here = Commitment.objects.filter(report_scope(user)).values("owner")
    return staff.filter(Q(team__in=reportable_teams(user)) | Q(pk__in=owed_here)).distinct()


def report_scope(user) -> Q:
    """The promises the person may count, by where each was owed."""
    if _agency_wide(user):
        return Q()
    # The ids themselves, not a join or a subquery: the database can then read only those teams'
    # and offices' promises through their (team, due) and (office, due) indexes.
    teams = list(Team.objects.filter(supervisor=user).values_list("pk", flat=True))
    offices = list(Office.objects.filter(program_manager=user).values_list("pk", flat=True))
    return Q(team__in=teams) | Q(office__in=offices)
