from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from trainees.models import SensitiveNeeds, Trainee


@admin.register(Trainee)
class TraineeAdmin(admin.ModelAdmin):
    list_display = ["surname", "first_name", "email", "employer", "occupation"]
    list_select_related = ["employer"]
    list_filter = ["employer"]
    search_fields = ["surname", "first_name", "email"]
    autocomplete_fields = ["employer"]


@admin.register(SensitiveNeeds)
class SensitiveNeedsAdmin(admin.ModelAdmin):
    """The logistics view: who needs what, per session. Model permissions gate it all."""

    list_display = ["enrolment", "session", "has_food_allergies", "has_disability_adaptations"]
    list_select_related = ["enrolment__trainee", "enrolment__session__course"]
    list_filter = ["enrolment__session"]
    search_fields = ["enrolment__trainee__surname", "enrolment__trainee__email"]
    fields = [
        "enrolment",
        "food_allergies",
        "allergies_consent_at",
        "disability_adaptations",
        "disability_consent_at",
    ]
    readonly_fields = fields

    # Entered and changed with the enrolment (through its service), never here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("session"))
    def session(self, needs: SensitiveNeeds):
        return needs.enrolment.session

    @admin.display(boolean=True, description=_("food allergies"))
    def has_food_allergies(self, needs: SensitiveNeeds) -> bool:
        return needs.food_allergies is not None

    @admin.display(boolean=True, description=_("disability adaptations"))
    def has_disability_adaptations(self, needs: SensitiveNeeds) -> bool:
        return needs.disability_adaptations is not None
