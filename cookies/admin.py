from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cookies import registry
from cookies.models import AudienceHit, ConsentLog, CookieRegistryVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records are proof: nobody adds, changes or deletes them through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentLog)
class ConsentLogAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "consent_id",
        "action",
        "accepted",
        "language",
        "registry_version",
    ]
    list_filter = ["action", "language", "registry_version"]
    list_select_related = ["registry_version"]
    search_fields = ["consent_id"]
    date_hierarchy = "created_at"

    @admin.display(description=_("accepted categories"))
    def accepted(self, entry: ConsentLog) -> str:
        labels = {c.key: str(c.label) for c in registry.CATEGORIES}
        return ", ".join(labels.get(key, key) for key in entry.categories) or "—"


@admin.register(CookieRegistryVersion)
class CookieRegistryVersionAdmin(ReadOnlyAdmin):
    """What each version of the registry asked visitors about, kept as proof."""

    list_display = ["version", "first_used_at"]
    fields = ["version", "first_used_at", "snapshot"]


@admin.register(AudienceHit)
class AudienceHitAdmin(ReadOnlyAdmin):
    list_display = ["day", "page", "views", "returning"]
    list_filter = ["page"]
    date_hierarchy = "day"
