from django.contrib import admin
from django.utils import timezone

from trainees.models import Trainee
from trainees.selectors import trainees_in_daily_use
from trainees.services import trainee_staff_save


@admin.register(Trainee)
class TraineeAdmin(admin.ModelAdmin):
    list_display = ["surname", "first_name", "email", "employer", "occupation"]
    list_select_related = ["employer"]
    list_filter = ["employer"]
    search_fields = ["surname", "first_name", "email"]
    autocomplete_fields = ["employer"]
    # 100,000 trainees and more: one count per page (the paginator's), not two.
    show_full_result_count = False
    # Set only by what the person does (trainees.services); the prospecting period runs
    # from it or from their last session.
    readonly_fields = ["last_contact_at"]

    def autocomplete_label(self, trainee):
        """Two trainees of the same name are told apart by their address."""
        return f"{trainee} ({trainee.email})"

    def get_queryset(self, request):
        # A trainee whose every enrolment is archived is in the restricted archive: out of
        # the staff's (and marketing's) daily list.
        return trainees_in_daily_use(super().get_queryset(request))

    change_form_template = "admin/with_consent_history.html"

    def save_model(self, request, obj, form, change):
        trainee_staff_save(
            trainee=obj,
            previous_email=form.initial.get("email", "") if change else "",
            actor=request.user,
            now=timezone.now(),
        )
