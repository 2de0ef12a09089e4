from django.contrib import admin

from cookies.models import AudienceHit, ConsentLog


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
    list_display = ["created_at", "consent_id", "action", "categories", "registry_version"]
    list_filter = ["action", "registry_version"]
    search_fields = ["consent_id"]
    date_hierarchy = "created_at"


@admin.register(AudienceHit)
class AudienceHitAdmin(ReadOnlyAdmin):
    list_display = ["day", "page", "views", "returning"]
    list_filter = ["page"]
    date_hierarchy = "day"
