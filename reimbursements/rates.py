"""The arithmetic of board, clothing and mileage: pure functions over rate rows, no database writes.

Board counts nights: the day a child arrives counts, the day they leave does not, so a child
who moves from one family to another on the 15th is paid once for that night, to the family
she slept at. Each night is paid at the daily rate for the child's level of care and age that
night, from the rate row in effect that day; consecutive nights at the same rate form one
segment of the breakdown the family reads.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .models import CENT, BoardRate, ClothingAllowanceRate, MileageRate


class MissingRate(LookupError):
    """No rate row covers a night (a level or an age band the administrator has not priced yet)."""


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def next_month(month: date) -> date:
    first = month.replace(day=1)
    return (first + timedelta(days=32)).replace(day=1)


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years; a child born on 29 February turns a year older on 1 March in other years."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def _applicable(rows, day: date):
    """The row in effect on ``day``: the latest ``effective_from`` on or before it."""
    best = None
    for row in rows:
        if row.effective_from <= day and (best is None or row.effective_from > best.effective_from):
            best = row
    return best


def daily_rate(rates: list[BoardRate], *, level: str, age: int, day: date) -> Decimal:
    rows = [r for r in rates if r.level_of_care == level and r.min_age <= age <= r.max_age]
    row = _applicable(rows, day)
    if row is None:
        raise MissingRate(f"No {level} board rate for age {age} on {day:%Y-%m-%d}.")
    return row.daily_rate


@dataclass(frozen=True)
class BoardMonth:
    nights: int
    segments: list[dict]
    amount: Decimal


def board_for_month(
    *, month: date, started_on: date, ended_on: date | None, date_of_birth: date | None, level: str, rates: list[BoardRate]
) -> BoardMonth:
    """Nights in ``month`` between the start and the end (the end night not counted), priced night by night."""
    first, last = month_bounds(month)
    start = max(first, started_on)
    stop = min(last + timedelta(days=1), ended_on) if ended_on else last + timedelta(days=1)
    segments: list[dict] = []
    day = start
    while day < stop:
        if date_of_birth is None:
            raise MissingRate("The child's date of birth is not recorded, so the age band is unknown.")
        rate = daily_rate(rates, level=level, age=age_on(date_of_birth, day), day=day)
        if segments and segments[-1]["daily_rate"] == str(rate):
            segments[-1]["to"] = day.isoformat()
            segments[-1]["nights"] += 1
        else:
            segments.append({"from": day.isoformat(), "to": day.isoformat(), "nights": 1, "daily_rate": str(rate)})
        day += timedelta(days=1)
    for segment in segments:
        segment["amount"] = str(Decimal(segment["daily_rate"]) * segment["nights"])
    amount = sum((Decimal(s["amount"]) for s in segments), Decimal("0.00"))
    return BoardMonth(nights=sum(s["nights"] for s in segments), segments=segments, amount=amount.quantize(CENT))


def clothing_amount(rates: list[ClothingAllowanceRate], *, date_of_birth: date | None, placed_on: date) -> Decimal:
    if date_of_birth is None:
        raise MissingRate("The child's date of birth is not recorded, so the clothing allowance is unknown.")
    age = age_on(date_of_birth, placed_on)
    row = _applicable([r for r in rates if r.min_age <= age <= r.max_age], placed_on)
    if row is None:
        raise MissingRate(f"No clothing allowance for age {age} on {placed_on:%Y-%m-%d}.")
    return row.amount


def mileage_rate(rates: list[MileageRate], day: date) -> Decimal:
    row = _applicable(rates, day)
    if row is None:
        raise MissingRate(f"No mileage rate on {day:%Y-%m-%d}.")
    return row.per_mile


def mileage_amount(miles: Decimal, per_mile: Decimal) -> Decimal:
    return (miles * per_mile).quantize(CENT, rounding=ROUND_HALF_UP)
