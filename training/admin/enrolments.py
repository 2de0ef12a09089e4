from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Value, When
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.audit import audit_record
from core.permissions import SENSITIVE_VIEW  # noqa: E402
from training.admin.logistics import session_logistics
from training.admin.sensitive_needs import ConsentFacts
from training.forms import (
    EnrolmentAdminForm,
    SensitiveNeedsInlineForm,
    SensitiveNeedsInlineFormSet,
    SessionAdminForm,
)
from training.models import ArchivedEnrolment, Course, Enrolment, SensitiveNeeds, Session
from training.selectors import session_list_with_seats
from training.sensitive_needs import sensitive_needs_delete, sensitive_needs_record
from training.services import (
    enrolment_create,
    enrolment_set_funding,
    enrolment_set_source,
    enrolment_set_status,
    session_end,
    session_save,
)


class RoleFilter(admin.SimpleListFilter):
    """Our role, from its two choices: the default filter of a generated column lists the
    values it finds, reading a million enrolments for two words."""

    title = _("our role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Enrolment.Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(role=self.value()) if self.value() else queryset


class RefusalAsMessage:
    """Between a form's check and the locked write, another person may take the last seat
    or a seat: the service refuses, the transaction rolls back, and the user is told."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "duration_hours", "price"]
    search_fields = ["code", "title"]


class EnrolmentInline(admin.TabularInline):
    """The session's enrolments, read-only: seats are taken only through the service."""

    model = Enrolment
    extra = 0
    fields = ["trainee", "source", "client", "role", "status", "created_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Archived enrolments are in the restricted archive, not on the session's page.
        return (
            super()
            .get_queryset(request)
            .filter(archived_at__isnull=True)
            .select_related("trainee", "client", "session__course")
        )


@admin.register(Session)
class SessionAdmin(RefusalAsMessage, admin.ModelAdmin):
    form = SessionAdminForm
    list_display = [
        "course",
        "start_date",
        "end_date",
        "location",
        "format",
        "capacity",
        "seats_left",
        "meals_provided",
    ]
    list_filter = ["format", "meals_provided", "course"]
    search_fields = ["course__code", "course__title", "location", "trainer__name"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["course", "trainer"]
    inlines = [EnrolmentInline]
    readonly_fields = ["seats_left", "enrol_link"]

    actions = ["end_today"]

    def autocomplete_order(self, queryset):
        """In the enrolment's session picker, sessions still to come first (soonest
        first), then the ended ones (latest first): one rarely enrols on a past one."""
        today = timezone.localdate()
        ended = Case(When(end_date__lt=today, then=Value(1)), default=Value(0))
        upcoming_start = Case(When(end_date__gte=today, then=F("start_date")))
        return queryset.annotate(ended=ended).order_by("ended", upcoming_start, "-start_date")

    @admin.action(description=_("End the session today"), permissions=["change"])
    def end_today(self, request, queryset):
        today = timezone.localdate()
        ended = sum(session_end(session_id=session.pk, today=today) for session in queryset)
        self.message_user(
            request, ngettext("%d session ended today.", "%d sessions ended today.", ended) % ended
        )

    def get_queryset(self, request):
        return session_list_with_seats()

    def get_urls(self):
        logistics = self.admin_site.admin_view(session_logistics)
        own = [path("<int:session_id>/logistics/", logistics, name="training_session_logistics")]
        return own + super().get_urls()

    def get_readonly_fields(self, request, obj=None):
        # The logistics list is for those who may see needs: the others get no link.
        if obj is not None and request.user.has_perm(SENSITIVE_VIEW):
            return [*self.readonly_fields, "logistics_link"]
        return self.readonly_fields

    @admin.display(description=_("logistics list"))
    def logistics_link(self, session: Session):
        url = reverse("admin:training_session_logistics", args=[session.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            url,
            _("Meal and adaptation needs (confidential, printable)"),
        )

    def save_model(self, request, obj, form, change):
        dropped = session_save(session=obj)
        if dropped:
            self.message_user(
                request,
                ngettext(
                    "The session no longer provides meals: the food allergies of %(count)d trainee were deleted.",
                    "The session no longer provides meals: the food allergies of %(count)d trainees were deleted.",
                    dropped,
                )
                % {"count": dropped},
                messages.WARNING,
            )

    @admin.display(description=_("seats left"), ordering="seats_left")
    def seats_left(self, session: Session):
        return getattr(session, "seats_left", None)

    @admin.display(description=_("enrol a trainee"))
    def enrol_link(self, session: Session):
        if session.pk is None:
            return "—"
        url = reverse("admin:training_enrolment_add") + "?" + urlencode({"session": session.pk})
        return format_html(
            '<a class="addlink" href="{}">{}</a>', url, _("Enrol a trainee on this session")
        )


class SensitiveNeedsInline(ConsentFacts, admin.StackedInline):
    """Model permissions decide: training staff may enter needs with a new enrolment
    (add only, write-only); staff holding the view permission see them afterwards."""

    model = SensitiveNeeds
    form = SensitiveNeedsInlineForm
    formset = SensitiveNeedsInlineFormSet
    extra = 1
    max_num = 1
    verbose_name_plural = _("sensitive needs (encrypted, deleted when the training ends)")


@admin.register(Enrolment)
class EnrolmentAdmin(RefusalAsMessage, admin.ModelAdmin):
    form = EnrolmentAdminForm
    list_display = ["trainee", "session", "source", "client", "role", "status", "created_at"]
    list_filter = ["status", "source", "funding", RoleFilter, "session__course"]
    # A million rows: the paginator's count, not a second one of the unfiltered list.
    show_full_result_count = False
    list_select_related = ["trainee", "session__course", "client"]
    search_fields = ["trainee__surname", "trainee__first_name", "trainee__email"]
    autocomplete_fields = ["trainee", "session", "client"]
    readonly_fields = [
        "role",
        "legal_basis",
        "employer_name",
        "confirmation",
        "confirmation_sent_at",
        "created_at",
        "updated_at",
    ]
    inlines = [SensitiveNeedsInline]
    actions = ["confirm_selected"]

    def get_inlines(self, request, obj):
        # On an existing enrolment the needs show only to those who may see them;
        # otherwise even an empty form would hint at whether some exist.
        if obj is not None and not request.user.has_perm(SENSITIVE_VIEW):
            return []
        return self.inlines

    def get_list_display(self, request):
        # Without the permission, not even the existence of needs shows in the list.
        if request.user.has_perm(SENSITIVE_VIEW):
            return [*self.list_display, "has_sensitive_needs"]
        return self.list_display

    def lookup_allowed(self, lookup, value, request=None):
        # ?sensitive_needs__isnull=False would tell who has needs.
        if lookup.startswith("sensitive_needs") and not request.user.has_perm(SENSITIVE_VIEW):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request):
        # Archived enrolments leave the daily view for the restricted archive below.
        return super().get_queryset(request).filter(archived_at__isnull=True)

    def get_list_select_related(self, request):
        # Here, not in get_queryset: a queryset that joins anything already makes the list
        # ignore list_select_related, and each row then fetches its trainee and session.
        if request.user.has_perm(SENSITIVE_VIEW):
            return [*self.list_select_related, "sensitive_needs"]
        return self.list_select_related

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # The seat (who, which session) is fixed; cancel and enrol again to move it.
        return [*self.readonly_fields, "trainee", "session"]

    def has_delete_permission(self, request, obj=None):
        # Enrolments are cancelled, not deleted: attendance and certificates rest on them,
        # and the retention jobs delete them when the law allows.
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Every sight of sensitive data is audited: this page shows the enrolment's needs.
        # Logged only once the permissions let the page show (a refused look is no view).
        enrolment = self.get_object(request, unquote(object_id))
        if (
            enrolment is not None
            and request.user.has_perm(SENSITIVE_VIEW)
            and self.has_view_or_change_permission(request, enrolment)
            and SensitiveNeeds.objects.filter(enrolment=enrolment).exists()
        ):
            audit_record(
                actor=request.user,
                action="sensitive_viewed",
                object_type="training.enrolment",
                object_id=enrolment.pk,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(boolean=True, description=_("sensitive needs"))
    def has_sensitive_needs(self, enrolment: Enrolment) -> bool:
        return hasattr(enrolment, "sensitive_needs")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            if {"source", "client"} & set(form.changed_data):
                enrolment_set_source(enrolment=obj, source=data["source"], client=data["client"])
            if "funding" in form.changed_data:
                enrolment_set_funding(enrolment=obj, funding=data["funding"])
            if "status" in form.changed_data:
                enrolment_set_status(enrolment=obj, status=data["status"])
            return
        enrolled = enrolment_create(
            trainee=data["trainee"],
            session=data["session"],
            source=data["source"],
            client=data.get("client"),
            status=data["status"],
            funding=data["funding"],
        )
        # The admin goes on (inlines, log entry, redirect) with the saved row.
        obj.pk, obj.role, obj.created_at = enrolled.pk, enrolled.role, enrolled.created_at

    def save_formset(self, request, form, formset, change):
        if formset.model is not SensitiveNeeds:
            return super().save_formset(request, form, formset, change)
        enrolment = form.instance
        # The admin's change message reads these; the service below does the writing.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for needs_form in formset.forms:
            data = getattr(needs_form, "cleaned_data", None)
            if not data or not needs_form.has_changed():
                continue
            audit_record(
                actor=request.user,
                action="sensitive_changed",
                object_type="training.enrolment",
                object_id=enrolment.pk,
            )
            if data.get("DELETE"):
                sensitive_needs_delete(enrolment=enrolment)
                continue
            sensitive_needs_record(
                enrolment=enrolment,
                food_allergies=data.get("food_allergies") or "",
                allergies_consent=data["allergies_consent"],
                disability_adaptations=data.get("disability_adaptations") or "",
                disability_consent=data["disability_consent"],
                now=timezone.now(),
            )

    @admin.action(description=_("Confirm the selected enrolments"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        confirmed = refused = 0
        for enrolment in queryset.exclude(status=Enrolment.Status.CONFIRMED):
            try:
                enrolment_set_status(enrolment=enrolment, status=Enrolment.Status.CONFIRMED)
                confirmed += 1
            except ValidationError:
                refused += 1
        self.message_user(
            request,
            _("%(confirmed)d confirmed, %(refused)d refused (session full).")
            % {"confirmed": confirmed, "refused": refused},
        )


@admin.register(ArchivedEnrolment)
class ArchivedEnrolmentAdmin(admin.ModelAdmin):
    """The restricted archive: read-only, and only for those with its own permission."""

    list_display = ["trainee", "session", "source", "client", "role", "status", "archived_at"]
    list_filter = ["session__course", RoleFilter]
    show_full_result_count = False
    list_select_related = ["trainee", "session__course", "client"]
    search_fields = ["trainee__surname", "trainee__email"]
    fields = [
        "trainee",
        "session",
        "source",
        "client",
        "employer_name",
        "role",
        "legal_basis",
        "status",
        "created_at",
        "archived_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(archived_at__isnull=False)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
