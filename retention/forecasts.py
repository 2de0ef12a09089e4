"""What falls due under each rule in the days ahead. Counted once by the nightly run and
kept: at a million enrolments, counting 17 rules over 14 dates takes seconds, which the
DPO's dashboard and retention page must not spend at each visit."""

import datetime
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.holds import holds_active
from core.purge import PurgeResult, keys_filter, rule_held_q
from core.schedule import RULES
from retention import approvals
from retention.models import Forecast

WEEKS = 12
HORIZON = 90
# Now, each of the next 12 weeks (the dashboard's chart), and the horizon (the tables).
DAYS = [7 * week for week in range(WEEKS + 1)] + [HORIZON]
# Older than a night and a bit: the nightly run did not store one, count again.
FRESH_FOR = datetime.timedelta(hours=26)


def retention_forecast(*, now: datetime.datetime, days: int) -> list[tuple[str, int, int]]:
    """Per rule: (name, due now, due within ``days``), counted now."""
    due = retention_due_counts(now=now, days=[0, days])
    return [(name, due_now, due_later) for name, (due_now, due_later) in due.items()]


def retention_due_counts(*, now: datetime.datetime, days: Sequence[int]) -> dict[str, list[int]]:
    """Per rule, in the schedule's order: how many records are due ``d`` days from
    ``now``, for each ``d`` of ``days``. One query, whatever the rules and days."""
    due = [rule.due_at(now + datetime.timedelta(days=d)) for rule in RULES for d in days]
    counts = iter(_count_each(due))
    return {rule.name: [next(counts) for _d in days] for rule in RULES}


def _count_each(querysets: Sequence[QuerySet]) -> list[int]:
    """``[q.count() for q in querysets]`` in one round trip: a page that forecasts 17
    rules over 14 dates waits for one answer, not 238 (the database counts the same)."""
    if not querysets:
        return []
    parts, params = [], []
    for queryset in querysets:
        sql, sql_params = queryset.order_by().values("pk").query.sql_with_params()
        # Django's own SQL, its values passed apart as parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS due)")  # noqa: S608
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


def forecast_store(*, now: datetime.datetime) -> Forecast:
    """Count what each rule finds due on each of DAYS from ``now`` and keep it in place
    of the previous forecast."""
    counts = retention_due_counts(now=now, days=DAYS)
    with transaction.atomic():
        Forecast.objects.all().delete()
        return Forecast.objects.create(computed_at=now, days=DAYS, counts=counts)


def forecast_current(*, now: datetime.datetime) -> Forecast:
    """The forecast the last nightly run stored, if it is recent and for today's rules;
    otherwise one counted now (once for the whole page) and stored."""
    stored = Forecast.objects.order_by("-computed_at").first()
    if (
        stored is not None
        and now - FRESH_FOR <= stored.computed_at <= now
        and stored.days == DAYS
        and set(stored.counts) == {rule.name for rule in RULES}
    ):
        return stored
    return forecast_store(now=now)


def forecast_table(forecast: Forecast, *, days: int = HORIZON) -> list[tuple[str, int, int]]:
    """Per rule, in the schedule's order: (name, due now, due within ``days``)."""
    column = forecast.days.index(days)
    # jsonb keeps its keys in its own order: the schedule's comes from RULES.
    due = {rule.name: forecast.counts[rule.name] for rule in RULES}
    return [(name, per_day[0], per_day[column]) for name, per_day in due.items()]


def dry_run_counts(*, now: datetime.datetime) -> dict[str, PurgeResult]:
    """What a run at ``now`` would do, per rule, counted in one query (the dry run the
    DPO sees before running the schedule): the rows it would change, those held, and,
    for a rule that waits for approval, those that would wait. Changes nothing."""
    today = timezone.localdate(now)
    holds = holds_active(today=today).exists()
    ready = approvals.ready_keys(now=now)
    querysets, slots = [], {}
    for rule in RULES:
        due = rule.due_at(now)
        held_q = rule_held_q(rule, today=today) if holds else None
        todo = due if held_q is None else due.exclude(held_q)
        parts = {"due": todo, "held": None if held_q is None else due.filter(held_q)}
        if rule.name in ready:
            keys = ready[rule.name]
            parts["going"] = todo.filter(keys_filter(keys)) if keys else None
        for part, queryset in parts.items():
            if queryset is not None:
                slots[(rule.name, part)] = len(querysets)
                querysets.append(queryset)
    counts = _count_each(querysets)

    def count(name, part):
        return counts[slots[(name, part)]] if (name, part) in slots else 0

    results = {}
    for rule in RULES:
        due, held = count(rule.name, "due"), count(rule.name, "held")
        if rule.name in ready:
            going = count(rule.name, "going")
            results[rule.name] = PurgeResult(going, held, due - going)
        else:
            results[rule.name] = PurgeResult(due, held)
    return results
