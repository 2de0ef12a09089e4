from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel: what every app may use. It imports no other app of the project."""

    name = "core"
    verbose_name = _("Data protection")
