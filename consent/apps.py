import datetime

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# The privacy policy version this code implements; publishing a new text adds a row.
FIRST_POLICY = {"number": "1.0", "published_on": datetime.date(2026, 11, 26)}


def publish_first_policy_version(sender, **kwargs) -> None:
    """Make sure the policy the product ships with is published (idempotent)."""
    from consent.models import PolicyVersion

    PolicyVersion.objects.get_or_create(
        number=FIRST_POLICY["number"],
        defaults={"published_on": FIRST_POLICY["published_on"], "summary": "First version."},
    )


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")

    def ready(self):
        post_migrate.connect(publish_first_policy_version, sender=self)
