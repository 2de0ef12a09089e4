from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from config.staff_groups import staff_groups_sync

        # After every app's migrate (each one creates its own permissions first).
        post_migrate.connect(staff_groups_sync, dispatch_uid="staff_groups_sync")
