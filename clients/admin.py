from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clients.models import ClientContact, Organisation


class ClientContactInline(admin.StackedInline):
    model = ClientContact
    extra = 0
    fields = [
        ("surname", "first_name"),
        ("email", "phone"),
        ("job_title", "department"),
        "postal_address",
        "notes",
        "prospecting_objected_at",
    ]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "registration_number", "relationship", "relationship_ended_on"]
    list_filter = ["relationship"]
    search_fields = ["name", "registration_number"]
    inlines = [ClientContactInline]


@admin.register(ClientContact)
class ClientContactAdmin(admin.ModelAdmin):
    list_display = ["surname", "first_name", "email", "organisation", "department", "objected"]
    list_filter = ["department", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["surname", "first_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]

    @admin.display(boolean=True, description=_("objected to prospecting"))
    def objected(self, contact: ClientContact) -> bool:
        return contact.has_objected_to_prospecting
