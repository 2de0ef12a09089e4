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
        from core.signals import email_failed, email_sent

        email_sent.connect(_confirmation_outcome, dispatch_uid="enrolment_confirmation_sent")
        email_failed.connect(_confirmation_outcome, dispatch_uid="enrolment_confirmation_failed")


def _confirmation_outcome(sender, email, **kwargs) -> None:
    from training.services import CONFIRMATION_KIND, enrolment_confirmation_outcome

    if email.kind == CONFIRMATION_KIND:
        enrolment_confirmation_outcome(email=email)
