from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.holds import hold_lift, hold_place
from core.models import Hold
from retention.models import PurgeLog


class NoWrites:
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PurgeLog)
class PurgeLogAdmin(NoWrites, admin.ModelAdmin):
    """What each retention run did: counts only, and read-only."""

    list_display = ["started_at", "rule", "affected", "held", "duration_ms", "outcome", "error"]
    list_filter = ["rule", "outcome"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False


@admin.register(Hold)
class HoldAdmin(NoWrites, admin.ModelAdmin):
    """Holds are placed and lifted, never edited or deleted: the record shows they existed."""

    list_display = ["email", "kind", "reason", "until", "created_at", "lifted_at"]
    list_filter = ["kind"]
    search_fields = ["email"]
    fields = ["email", "kind", "reason", "until", "created_at", "lifted_at"]
    readonly_fields = ["created_at", "lifted_at"]
    actions = ["lift"]

    def has_lift_permission(self, request):
        return request.user.has_perm("core.change_hold")

    def save_model(self, request, obj, form, change):
        placed = hold_place(
            email=obj.email, kind=obj.kind, reason=obj.reason, until=obj.until, now=timezone.now()
        )
        obj.pk = placed.pk
        audit_record(actor=request.user, action="hold_placed", obj=placed, note=placed.kind)

    @admin.action(description=_("Lift the selected holds"), permissions=["lift"])
    def lift(self, request, queryset):
        for hold in queryset.filter(lifted_at__isnull=True):
            hold_lift(hold=hold, now=timezone.now())
            audit_record(actor=request.user, action="hold_lifted", obj=hold, note=hold.kind)
