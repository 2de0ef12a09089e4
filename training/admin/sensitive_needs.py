"""The logistics view of sensitive needs: gated by model permissions, every look audited
(a refused look as a refusal)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record
from core.permissions import SENSITIVE_VIEW
from training.forms import SensitiveNeedsAdminForm
from training.models import SensitiveNeeds, Session
from training.sensitive_needs import sensitive_needs_record

# How the audit log names these records (the model's label).
OBJECT_TYPE = SensitiveNeeds._meta.label_lower


class ConsentFacts:
    """The consent boxes of the needs' form, when shown read-only (the DPO, or logistics on
    an enrolment's page): whether consent is on file, with the form's own label, instead
    of the admin's guess ("Allergies consent: None")."""

    @admin.display(
        description=_("The trainee gave explicit consent to record food allergies"), boolean=True
    )
    def allergies_consent(self, obj):
        return bool(obj and obj.allergies_consent_at)

    @admin.display(
        description=_("The trainee gave explicit consent to record disability adaptations"),
        boolean=True,
    )
    def disability_consent(self, obj):
        return bool(obj and obj.disability_consent_at)


class SessionFilter(admin.RelatedOnlyFieldListFilter):
    """The sessions that have needs on file, named with their course in one query (a
    session's name reads its course: the default filter asks once per session). Erased
    needs are not on file: their sessions (tens of thousands after a few years) are not
    offered."""

    def field_choices(self, field, request, model_admin):
        on_file = model_admin.get_queryset(request).filter(purged_at__isnull=True)
        having = on_file.values(f"{self.field_path}__pk")
        sessions = Session.objects.filter(pk__in=having).select_related("course")
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            sessions = sessions.order_by(*ordering)
        return [(session.pk, str(session)) for session in sessions]


@admin.register(SensitiveNeeds)
class SensitiveNeedsAdmin(ConsentFacts, admin.ModelAdmin):
    """The logistics view: who needs what, per session. Model permissions gate it all."""

    form = SensitiveNeedsAdminForm
    list_display = ["enrolment", "session", "has_food_allergies", "has_disability_adaptations"]
    list_select_related = ["enrolment__trainee", "enrolment__session__course"]
    list_filter = [("enrolment__session", SessionFilter)]
    search_fields = ["enrolment__trainee__surname", "enrolment__trainee__email"]
    autocomplete_fields = ["enrolment"]
    readonly_fields = ["allergies_consent_at", "disability_consent_at"]
    show_full_result_count = False

    def has_add_permission(self, request):
        # Adding here means choosing an enrolment, and an enrolment that already has needs
        # would say so: only those who may see needs add them here. Training staff
        # enter them with a new enrolment instead.
        return super().has_add_permission(request) and request.user.has_perm(SENSITIVE_VIEW)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return ["enrolment", *self.readonly_fields]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only (the DPO): the consent boxes are inputs, not facts; the consent
            # dates below say when consent was given.
            return [f for f in fields if f not in ("allergies_consent", "disability_consent")]
        return fields

    def changelist_view(self, request, extra_context=None):
        # A look is logged once the permission let it happen; a refused one as a refusal,
        # so that the log never shows a view nobody had.
        if not self.has_view_or_change_permission(request):
            self._audit(request, "sensitive_refused")
            raise PermissionDenied
        self._audit(request, "sensitive_listed")
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        needs = self.get_object(request, unquote(object_id))
        allowed = (
            self.has_change_permission(request, needs)
            if request.method == "POST"
            else self.has_view_or_change_permission(request, needs)
        )
        if not allowed:
            self._audit(request, "sensitive_refused", object_id=needs.pk if needs else "")
            raise PermissionDenied
        if needs is not None:
            self._audit(request, "sensitive_viewed", object_id=needs.pk)
        return super().change_view(request, object_id, form_url, extra_context)

    def _audit(self, request, action: str, object_id="") -> None:
        audit_record(
            actor=request.user,
            action=action,
            object_type=OBJECT_TYPE,
            object_id=object_id,
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        audit_record(
            actor=request.user,
            action="sensitive_changed",
            object_type=OBJECT_TYPE,
            object_id=obj.pk or "",
        )
        sensitive_needs_record(
            enrolment=obj.enrolment,
            food_allergies=data.get("food_allergies") or "",
            allergies_consent=data["allergies_consent"],
            disability_adaptations=data.get("disability_adaptations") or "",
            disability_consent=data["disability_consent"],
            now=timezone.now(),
        )
        saved = SensitiveNeeds.objects.filter(enrolment=obj.enrolment).first()
        # Nothing left to keep: the service deleted the record; the admin lists what remains.
        obj.pk = saved.pk if saved else None

    def response_add(self, request, obj, post_url_continue=None):
        return self.response_post_save_add(request, obj)

    def response_change(self, request, obj):
        return self.response_post_save_change(request, obj)

    @admin.display(description=_("session"))
    def session(self, needs: SensitiveNeeds):
        return needs.enrolment.session

    @admin.display(boolean=True, description=_("food allergies"))
    def has_food_allergies(self, needs: SensitiveNeeds) -> bool:
        return needs.food_allergies is not None

    @admin.display(boolean=True, description=_("disability adaptations"))
    def has_disability_adaptations(self, needs: SensitiveNeeds) -> bool:
        return needs.disability_adaptations is not None
