from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Offer campaigns: above every domain app whose people they address."""

    name = "campaigns"
    verbose_name = _("Offer campaigns")

    def ready(self):
        from campaigns import receivers  # noqa: F401  (connects to the outbox's signals)
