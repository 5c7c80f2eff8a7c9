"""The agency's calendar: due at close of business on the Nth business day after receipt."""

from datetime import date, datetime, timedelta, timezone as dt_timezone

import pytest

from portal import business_days
from portal.business_days import deadline, is_business_day
from portal.followups.models import ClosureDay
from tests.conftest import chicago

pytestmark = pytest.mark.django_db


def test_friday_afternoon_before_memorial_day_is_due_tuesday():
    assert deadline(chicago(2027, 5, 28, 16, 30), 1) == chicago(2027, 6, 1, 17, 0)


def test_monday_morning_is_due_tuesday_at_close():
    assert deadline(chicago(2027, 11, 22, 9, 0), 1) == chicago(2027, 11, 23, 17, 0)


def test_letter_with_five_business_days_skips_memorial_day():
    assert deadline(chicago(2027, 5, 24, 10, 0), 5) == chicago(2027, 6, 1, 17, 0)


def test_work_received_on_saturday_is_due_tuesday():
    assert deadline(chicago(2027, 3, 6, 11, 0), 1) == chicago(2027, 3, 8, 17, 0)


def test_work_received_after_close_counts_from_that_calendar_day():
    assert deadline(chicago(2027, 3, 3, 22, 15), 1) == chicago(2027, 3, 4, 17, 0)


def test_observed_holiday_on_friday_is_skipped():
    # Independence Day 2027 falls on a Sunday and is observed on Monday 5 July.
    assert not is_business_day(date(2027, 7, 5))
    assert deadline(chicago(2027, 7, 2, 12, 0), 1) == chicago(2027, 7, 6, 17, 0)


def test_mississippi_state_holiday_is_skipped():
    # Confederate Memorial Day, last Monday of April, is an official Mississippi holiday.
    assert not is_business_day(date(2027, 4, 26))


def test_thanksgiving_is_skipped():
    assert deadline(chicago(2027, 11, 24, 9, 0), 1) == chicago(2027, 11, 26, 17, 0)


def test_administrator_closure_day_moves_the_deadline():
    before = deadline(chicago(2027, 2, 8, 9, 0), 1)
    ClosureDay.objects.create(day=date(2027, 2, 9), reason="Ice storm")
    assert before == chicago(2027, 2, 9, 17, 0)
    assert deadline(chicago(2027, 2, 8, 9, 0), 1) == chicago(2027, 2, 10, 17, 0)


def test_deadline_across_spring_forward_is_five_pm_local():
    due = deadline(chicago(2027, 3, 12, 15, 0), 1)  # Friday; clocks change Sunday 14 March
    assert due == chicago(2027, 3, 15, 17, 0)
    assert due.utcoffset() == timedelta(hours=-5)


def test_deadline_across_fall_back_is_five_pm_local():
    due = deadline(chicago(2027, 11, 5, 15, 0), 1)  # Friday; clocks change Sunday 7 November
    assert due == chicago(2027, 11, 8, 17, 0)
    assert due.utcoffset() == timedelta(hours=-6)


def test_receipt_time_in_utc_uses_the_agency_day():
    # 03:00 UTC on Tuesday is still Monday evening in Chicago.
    received = datetime(2027, 11, 23, 3, 0, tzinfo=dt_timezone.utc)
    assert deadline(received, 1) == chicago(2027, 11, 23, 17, 0)


def test_zero_days_on_a_closed_day_is_the_next_business_day():
    assert deadline(chicago(2027, 5, 29, 10, 0), 0) == chicago(2027, 6, 1, 17, 0)


def test_naive_datetime_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="aware datetime"):
        deadline(datetime(2027, 5, 28, 16, 30), 1)


@pytest.mark.parametrize("days", [-1, 1.5, True, "1"])
def test_nonsense_day_counts_are_refused(days):
    with pytest.raises(ValueError):
        deadline(chicago(2027, 5, 28, 16, 30), days)


def test_time_zone_and_holidays_come_from_settings(settings):
    settings.AGENCY_TIME_ZONE = "America/New_York"
    settings.AGENCY_HOLIDAY_SUBDIVISION = "NY"
    assert is_business_day(date(2027, 4, 26))  # not a holiday in New York
    assert deadline(chicago(2027, 11, 22, 9, 0), 1).utcoffset() == timedelta(hours=-5)


def test_two_office_hours_before_a_monday_morning_deadline_is_friday_afternoon():
    assert business_days.subtract_office_hours(chicago(2027, 3, 8, 9, 0), 2) == chicago(2027, 3, 5, 16, 0)


def test_two_office_hours_before_close_is_three_pm():
    assert business_days.subtract_office_hours(chicago(2027, 3, 9, 17, 0), 2) == chicago(2027, 3, 9, 15, 0)


def test_office_time_left_counts_only_open_hours():
    left = business_days.office_hours_between(chicago(2027, 3, 5, 16, 0), chicago(2027, 3, 8, 17, 0))
    assert left == timedelta(hours=10)


def test_same_business_day_work_that_arrives_after_closing_is_due_when_the_next_business_day_closes():
    # An urgent promise (medication that did not come with a child) has zero business days.
    assert deadline(chicago(2027, 3, 3, 10, 0), 0) == chicago(2027, 3, 3, 17, 0)
    assert deadline(chicago(2027, 3, 3, 19, 30), 0) == chicago(2027, 3, 4, 17, 0)  # Wednesday evening
    assert deadline(chicago(2027, 3, 5, 18, 0), 0) == chicago(2027, 3, 8, 17, 0)  # Friday evening → Monday
    assert deadline(chicago(2027, 3, 6, 11, 0), 0) == chicago(2027, 3, 8, 17, 0)  # Saturday


def test_notice_counts_the_whole_business_days_between_the_invitation_and_the_event():
    from portal.business_days import business_days_of_notice

    assert business_days_of_notice(chicago(2027, 3, 1, 9, 0), chicago(2027, 3, 8, 9, 0)) == 4  # Monday to Monday
    assert business_days_of_notice(chicago(2027, 3, 1, 9, 0), chicago(2027, 3, 9, 9, 0)) == 5
    assert business_days_of_notice(chicago(2027, 11, 22, 9, 0), chicago(2027, 11, 29, 9, 0)) == 3  # not Thanksgiving
    assert business_days_of_notice(chicago(2027, 3, 1, 9, 0), chicago(2027, 3, 1, 15, 0)) == 0


def test_a_reminder_days_before_keeps_the_wall_clock_time_across_a_change_of_the_clocks():
    from portal.business_days import same_time_days_before

    # Clocks go forward on Sunday 14 March 2027: a Wednesday 10:00 hearing is reminded the Wednesday before at 10:00.
    assert same_time_days_before(chicago(2027, 3, 17, 10, 0), 7) == chicago(2027, 3, 10, 10, 0)
    assert same_time_days_before(chicago(2027, 11, 8, 9, 30), 7) == chicago(2027, 11, 1, 9, 30)  # clocks went back on the 7th


def test_a_local_time_the_clocks_skip_or_repeat_is_refused():
    from datetime import date, time

    from portal.business_days import AmbiguousLocalTime, local_datetime

    with pytest.raises(AmbiguousLocalTime):
        local_datetime(date(2027, 11, 7), time(1, 30))  # happens twice
    with pytest.raises(AmbiguousLocalTime):
        local_datetime(date(2027, 3, 14), time(2, 30))  # never happens
    assert local_datetime(date(2027, 3, 14), time(10, 0)) == chicago(2027, 3, 14, 10, 0)


def test_ages_of_many_claims_count_business_days_that_ended_and_agree_with_one_at_a_time(db):
    from portal.business_days import business_days_elapsed, business_days_elapsed_each

    now = chicago(2026, 11, 30, 9, 0)  # Monday after Thanksgiving (Thursday 26th, a holiday)
    received = [
        chicago(2026, 11, 30, 8, 0),  # today: 0
        chicago(2026, 11, 27, 16, 0),  # Friday: Monday has begun, 1
        chicago(2026, 11, 23, 10, 0),  # last Monday: Tue, Wed, Fri, Mon = 4 (Thursday is Thanksgiving)
        chicago(2026, 12, 1, 10, 0),  # a clock ahead of now: 0, never negative
    ]
    assert business_days_elapsed_each(received, now) == [0, 1, 4, 0]
    assert [business_days_elapsed(moment, now) for moment in received] == [0, 1, 4, 0]
