from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training")

    def ready(self):
        # Signal receivers need the models, which exist only once apps are ready.
        from training import receivers  # noqa: F401
