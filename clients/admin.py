from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from clients.models import ClientContact, Organisation
from clients.selectors import organisation_prospecting_clock
from clients.services import client_contact_staff_save, organisation_save

# What the prospecting clock of a company runs from (clients.selectors).
CLOCK_BASES = {
    "marked": _("the end date set by hand above"),
    "session": _("the end of the last session it booked"),
    "contact": _("the last contact recorded above"),
}


class ClientContactInline(admin.StackedInline):
    model = ClientContact
    extra = 0
    fields = [
        ("surname", "first_name"),
        ("email", "phone"),
        ("job_title", "department"),
        "postal_address",
        "language",
        "notes",
    ]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "registration_number", "relationship", "relationship_ended_on"]
    list_filter = ["relationship", "informs_its_employees"]
    search_fields = ["name", "registration_number"]
    readonly_fields = ["informs_its_employees_since", "prospecting_clock"]
    inlines = [ClientContactInline]

    @admin.display(description=_("prospecting clock runs from"))
    def prospecting_clock(self, organisation):
        """Policy §6, as the retention job reads it: when this company's contacts go."""
        if organisation.pk is None:
            return None
        clock = organisation_prospecting_clock(organisation_id=organisation.pk)
        if clock.basis == "marked":
            # Staff's end date wins over the contacts they record; only a booking after
            # it restarts the relationship.
            text = _(
                "%(runs_from)s (%(basis)s): its contacts are kept until %(kept_until)s, "
                "unless it books a session again."
            )
        else:
            text = _(
                "%(runs_from)s (%(basis)s): its contacts are kept until %(kept_until)s, "
                "unless it books a session or you record a later contact."
            )
        return text % {
            "runs_from": date_format(clock.runs_from, "SHORT_DATE_FORMAT"),
            "basis": CLOCK_BASES[clock.basis],
            "kept_until": date_format(clock.kept_until, "SHORT_DATE_FORMAT"),
        }

    def save_model(self, request, obj, form, change):
        organisation_save(organisation=obj, changed=set(form.changed_data), actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ClientContact:
            return super().save_formset(request, form, formset, change)
        # Contacts edited here go through the same service as on their own page.
        previous = {f.instance.pk: f.initial.get("email", "") for f in formset.initial_forms}
        for contact in formset.save(commit=False):
            client_contact_staff_save(
                contact=contact,
                previous_email=previous.get(contact.pk, ""),
                actor=request.user,
                now=timezone.now(),
            )
        for contact in formset.deleted_objects:
            contact.delete()


@admin.register(ClientContact)
class ClientContactAdmin(admin.ModelAdmin):
    list_display = ["surname", "first_name", "email", "organisation", "department"]
    list_filter = ["department", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["surname", "first_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    change_form_template = "admin/with_consent_history.html"

    def save_model(self, request, obj, form, change):
        client_contact_staff_save(
            contact=obj,
            previous_email=form.initial.get("email", "") if change else "",
            actor=request.user,
            now=timezone.now(),
        )
