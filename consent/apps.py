from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")

    def ready(self):
        # Services use the models, which exist only once the apps are ready.
        from consent.models import PolicyVersion
        from consent.selectors import policy_version_forget
        from consent.services import policy_first_version_publish

        post_migrate.connect(policy_first_version_publish, sender=self)
        post_save.connect(policy_version_forget, sender=PolicyVersion, dispatch_uid="policy_saved")
        post_delete.connect(
            policy_version_forget, sender=PolicyVersion, dispatch_uid="policy_deleted"
        )
