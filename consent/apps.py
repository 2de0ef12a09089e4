from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")

    def ready(self):
        # Services use the models, which exist only once the apps are ready.
        from consent.services import policy_first_version_publish

        post_migrate.connect(policy_first_version_publish, sender=self)
