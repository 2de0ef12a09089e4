from django.apps import AppConfig
from django.db.models import EmailField
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel: what every app may use. It imports no other app of the project."""

    name = "core"
    verbose_name = _("Data protection")

    def ready(self):
        # `email__lower=email_normalise(address)`: how every app finds an address,
        # whatever its case, through an index on lower(email). `email__iexact` compiles
        # to UPPER(email) = UPPER(%s), which no index serves (every trainee scanned).
        EmailField.register_lookup(Lower)
