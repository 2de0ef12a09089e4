from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from clients.models import ClientContact, Organisation
from clients.selectors import organisation_prospecting_clock, processor_data_end
from clients.services import (
    ReturnRefused,
    client_contact_staff_save,
    organisation_save,
    processor_data_returned_mark,
)
from core.permissions import PROCESSOR_DATA_RETURN

AGREEMENT_FIELDS = [
    "processing_agreement_signed_on",
    "processing_agreement_reference",
    "end_of_services_instruction",
    "processor_data_returned_on",
    "processor_data",
]

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
    list_filter = ["relationship", "informs_its_employees", "end_of_services_instruction"]
    search_fields = ["name", "registration_number"]
    readonly_fields = [
        "informs_its_employees_since",
        "prospecting_clock",
        "processor_data_returned_on",
        "processor_data",
    ]
    inlines = [ClientContactInline]
    actions = ["mark_returned"]

    def get_fieldsets(self, request, obj=None):
        # The processing agreement in a section of its own, whatever other fields the
        # model gains; the export's link for staff who may return the data.
        [(_name, options)] = super().get_fieldsets(request, obj)
        others = [f for f in options["fields"] if f not in AGREEMENT_FIELDS]
        description = format_html("{}", AGREEMENT_HELP)
        if obj is not None and request.user.has_perm(PROCESSOR_DATA_RETURN):
            url = reverse("client_data_export", args=[obj.pk])
            description = format_html('{} <a href="{}">{}</a>', AGREEMENT_HELP, url, EXPORT_LINK)
        agreement = {"fields": AGREEMENT_FIELDS, "description": description}
        return [(None, {"fields": others}), (_("Processing agreement"), agreement)]

    @admin.display(description=_("employees' data at the end of the services"))
    def processor_data(self, obj):
        return processor_data_text(obj) if obj is not None and obj.pk else "—"

    def has_return_data_permission(self, request, obj=None):
        return request.user.has_perm(PROCESSOR_DATA_RETURN)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "GET" and obj is not None and _agreement_missing(obj):
            messages.warning(request, AGREEMENT_MISSING)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(
        description=_("Mark the employees' data as returned to the client"),
        permissions=["return_data"],
    )
    def mark_returned(self, request, queryset):
        today = timezone.localdate()
        for organisation in queryset:
            try:
                processor_data_returned_mark(
                    organisation=organisation, actor=request.user, today=today
                )
            except ReturnRefused as refused:
                messages.error(request, str(refused))
                continue
            end = processor_data_end(organisation=organisation)
            messages.success(
                request,
                _("%(name)s: its employees' data is deleted from %(day)s.")
                % {"name": organisation, "day": date_format(end.deleted_from)},
            )

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


AGREEMENT_HELP = _(
    "The agreement under which we process the data of the employees this client registers "
    "(GDPR Art. 28), and what becomes of that data when the services end."
)
EXPORT_LINK = _("Download the employees' data (CSV)")
AGREEMENT_MISSING = _(
    "No processing agreement is recorded for this client: the data of the employees it "
    "registers follows our own retention schedule, not the client's instruction. Record "
    "the agreement's date, reference and instruction for the end of the services."
)


def _agreement_missing(organisation: Organisation) -> bool:
    # A prospect has registered nobody yet: there is nothing to warn about.
    return (
        organisation.relationship != Organisation.Relationship.PROSPECT
        and not organisation.end_of_services_instruction
    )


def processor_data_text(organisation: Organisation) -> str:
    """What becomes of the client's employees' data, in a sentence for staff."""
    end = processor_data_end(organisation=organisation)
    if not end.instruction:
        return str(AGREEMENT_MISSING)
    label = str(Organisation.EndInstruction(end.instruction).label)
    instruction = label[:1].lower() + label[1:]
    if end.services_ended_on is None:
        return str(_("When the services end: %(instruction)s.") % {"instruction": instruction})
    dates = {
        "ended": date_format(end.services_ended_on),
        "day": date_format(end.deleted_from),
    }
    if end.awaiting_return:
        return str(
            _(
                "The services ended on %(ended)s. Download the data, send it to the client, "
                "then mark it returned (action in the list of clients): it is deleted the "
                "next day, and from %(day)s at the latest."
            )
            % dates
        )
    if organisation.processor_data_returned_on:
        dates["returned"] = date_format(organisation.processor_data_returned_on)
        return str(_("Returned to the client on %(returned)s; deleted from %(day)s.") % dates)
    return str(
        _(
            "The services ended on %(ended)s: deleted from %(day)s (later if a session "
            "of its employees ended after that date)."
        )
        % dates
    )
