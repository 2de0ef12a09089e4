"""Calendar arithmetic for retention periods: "five years" from a day is the same
calendar day five years on, not 5 x 365 days."""

import calendar
import datetime

from django.utils import timezone


def years_before(day, years: int):
    """The same calendar day ``years`` earlier (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def months_before(moment, months: int):
    """The same day and time ``months`` calendar months earlier (clamped to the month's
    last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def months_after(day, months: int):
    """The same day ``months`` calendar months later (clamped to the month's last day)."""
    return months_before(day, -months)


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight (local time) at the start of ``day``: ``at < day_start(d)`` says what
    ``at__date < d`` says, but an index on ``at`` serves it."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
