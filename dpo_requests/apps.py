from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DpoRequestsConfig(AppConfig):
    name = "dpo_requests"
    verbose_name = _("Data-subject requests")
