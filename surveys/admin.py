"""The satisfaction survey from the sessions list: staff who ended a session by hand send
its survey at once instead of waiting for the morning job."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.services import session_survey_invite
from training.models import Session


@admin.action(description=_("Send the satisfaction survey now"), permissions=["change"])
def send_survey(modeladmin, request, queryset):
    now, sent = timezone.now(), 0
    for session in queryset.filter(end_date__lte=timezone.localdate(now)):
        sent += session_survey_invite(session_id=session.pk, now=now)
    messages.success(request, _("%(count)d trainees asked for their opinion.") % {"count": sent})


# The sessions list belongs to training, below this app (registered first: INSTALLED_APPS).
session_admin = admin.site._registry[Session]
session_admin.actions = [*session_admin.actions, send_survey]
