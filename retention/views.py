from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core.holds import holds_active
from core.schedule import RULES, self_expiring
from retention.forecasts import HORIZON, forecast_current, forecast_table
from retention.selectors import purge_log_latest


@never_cache  # held records and counts per person's data: back-office, never cached
@permission_required("retention.view_purgelog", raise_exception=True)
def overview(request):
    """The DPO's view of retention: the schedule, the last runs, what falls due soon."""
    now = timezone.now()
    counted = forecast_current(now=now)
    forecast = {name: (due_now, due_later) for name, due_now, due_later in forecast_table(counted)}
    return render(
        request,
        "retention/overview.html",
        {
            "rules": [(rule, *forecast[rule.name]) for rule in RULES],
            "self_expiring": self_expiring(),
            "runs": purge_log_latest(limit=40),
            "holds": holds_active(today=timezone.localdate(now)).count(),
            "forecast_days": HORIZON,
            "forecast_at": counted.computed_at,
        },
    )
