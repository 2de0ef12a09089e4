from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Convocations and agreements")

    def ready(self):
        # Signal receivers need the models, which exist only once apps are ready.
        from documents import receivers  # noqa: F401
