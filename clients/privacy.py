"""Personal data of client contacts, for the DPO (see core/providers.py)."""

from django.utils.translation import gettext_lazy as _

from clients.models import ClientContact
from core.addresses import email_normalise
from core.audit import admin_history_redact
from core.providers import ERASE, Planned, Provider, Record
from core.purposes import Purpose


class ClientContactsProvider(Provider):
    label = _("Client contacts")
    models = (ClientContact,)

    def _contacts(self, email):
        return list(
            ClientContact.objects.filter(email=email_normalise(email)).select_related(
                "organisation"
            )
        )

    def purposes(self, *, email):
        # A client contact may be prospected (B2B), unless they object.
        return {Purpose.CLIENT_PROSPECTING} if self._contacts(email) else set()

    def records(self, *, email):
        return [
            Record(
                self.label,
                _("client contact"),
                c.pk,
                f"{c.first_name} {c.surname} · {c.job_title or c.get_department_display()} · {c.organisation}",
                model="clients.clientcontact",
            )
            for c in self._contacts(email)
        ]

    def export(self, *, email):
        fields = [
            "surname",
            "first_name",
            "email",
            "job_title",
            "department",
            "postal_address",
            "phone",
            "notes",
            "language",
            "created_at",
            "updated_at",
        ]
        return {
            "client_contacts": [
                {"organisation": c.organisation.name, **{f: _plain(getattr(c, f)) for f in fields}}
                for c in self._contacts(email)
            ]
        }

    def erasure_plan(self, *, email, today):
        return [Planned(record, ERASE) for record in self.records(email=email)]

    def erase(self, *, email, now):
        contacts = ClientContact.objects.filter(email=email_normalise(email))
        admin_history_redact(model=ClientContact, pks=list(contacts.values_list("pk", flat=True)))
        deleted = contacts.delete()[0]
        return {ERASE: deleted}


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
