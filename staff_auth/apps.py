from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class StaffAuthConfig(AppConfig):
    name = "staff_auth"
    verbose_name = _("Staff sign-in")

    def ready(self):
        # The sync reads permissions, which exist only once the apps are ready.
        from staff_auth.groups import staff_groups_sync

        # After every app's migrate (each one creates its own permissions first).
        post_migrate.connect(staff_groups_sync, dispatch_uid="staff_groups_sync")
