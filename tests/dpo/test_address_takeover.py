"""Staff without the health-data permission once could read it: change a trainee's
email in the admin to their own address, ask for "their" data from it, and receive
the allergy in the export. Now the change is audited and the previous address told, the
DPO is warned on the request's page, and an export with health data waits for the DPO
to say they checked who is asking."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from dpo_requests.models import Request
from tests.dpo.conftest import act, submit_and_verify
from tests.factories import ClientContactFactory

pytestmark = [
    pytest.mark.policy("S4"),
    pytest.mark.django_db,
    pytest.mark.usefixtures("_run_on_commit"),
]
ATTACKER = "mallory@attacker.example"
WARNING = "changed by our staff"


def admin_change_email(client, obj, email: str):
    """A staff member opens the record in the admin, puts another address, saves."""
    info = obj._meta.app_label, obj._meta.model_name
    url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    data["email"] = email
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def _export_links() -> list[str]:
    return [m for m in mail.outbox if "/privacy/requests/download/" in m.body]


def test_the_address_takeover_no_longer_hands_over_the_allergy(client, alice, dpo, eve):
    client.force_login(alice)  # training staff: no sensitive-data permission
    mail.outbox.clear()

    admin_change_email(client, eve, ATTACKER)

    # The change is in the audit log: who, when, which record; never an address.
    [changed] = AuditEntry.objects.filter(action="email_changed_by_staff")
    assert (changed.actor, changed.object_type, changed.object_id) == (
        alice,
        "trainees.trainee",
        str(eve.pk),
    )
    assert changed.note == "" and "@" not in str(changed)
    # The previous address is told, in Eve's language, without the new address.
    [notice] = mail.outbox
    assert notice.to == ["eve@example.org"]
    assert "was changed by our staff" in notice.body and "dpo@example.org" in notice.body
    assert ATTACKER not in notice.body + notice.subject
    assert timezone.localdate().strftime("%Y") in notice.body

    client.logout()
    dsr = submit_and_verify(client, kind="access", email=ATTACKER)
    client.force_login(dpo)
    page = client.get(
        reverse("backoffice:request", args=[dsr.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert WARNING in page  # the DPO is warned on the request's page
    refused = act(client, dsr, "export")
    assert "identity" in refused.content.decode()
    assert not _export_links()
    dsr.refresh_from_db()
    assert dsr.status == Request.Status.OPEN and not dsr.export_file
    assert not AuditEntry.objects.filter(action__in=["export_requested", "identity_confirmed"])


def test_an_export_with_health_data_goes_once_the_dpo_confirmed_identity(client, dpo, eve):
    dsr = submit_and_verify(client, kind="access", email="eve@example.org")
    client.force_login(dpo)

    act(client, dsr, "export", identity_checked="on")
    assert not _export_links()  # the DPO checks the archive first
    act(client, dsr, "send")

    [link] = _export_links()
    assert link.to == ["eve@example.org"]
    confirmed = AuditEntry.objects.get(action="identity_confirmed")
    assert (confirmed.actor, confirmed.object_type, confirmed.object_id) == (
        dpo,
        "dpo_requests.request",
        str(dsr.pk),
    )


def test_the_request_page_asks_for_the_identity_check_only_with_health_data(
    client, dpo, eve, employee
):
    with_needs = submit_and_verify(client, kind="access", email="eve@example.org")
    without = submit_and_verify(client, kind="access", email="paul@example.org")
    client.force_login(dpo)

    asked = client.get(
        reverse("backoffice:request", args=[with_needs.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    not_asked = client.get(
        reverse("backoffice:request", args=[without.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert 'name="identity_checked"' in asked and 'name="identity_checked"' not in not_asked
    assert WARNING not in asked  # nobody changed Eve's address


def test_an_export_without_health_data_needs_no_identity_check(client, dpo, employee):
    dsr = submit_and_verify(client, kind="access", email="paul@example.org")
    client.force_login(dpo)

    act(client, dsr, "export")
    act(client, dsr, "send")

    assert len(_export_links()) == 1
    assert not AuditEntry.objects.filter(action="identity_confirmed").exists()


def test_the_warning_lasts_dsr_address_change_days(client, alice, dpo, eve, settings):
    settings.DSR_ADDRESS_CHANGE_DAYS = 30
    client.force_login(alice)
    admin_change_email(client, eve, ATTACKER)
    client.logout()
    dsr = submit_and_verify(client, kind="access", email=ATTACKER)
    url = reverse("backoffice:request", args=[dsr.pk])

    with time_machine.travel(timezone.now() + datetime.timedelta(days=29)):
        client.force_login(dpo)
        assert WARNING in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        client.force_login(dpo)
        assert WARNING not in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_client_contacts_changed_address_is_audited_and_the_old_one_told(client, dpo):
    contact = ClientContactFactory(email="rh@acme.example", language="fr")
    staff = dpo  # the DPO may change contacts (rectification)
    client.force_login(staff)
    mail.outbox.clear()

    admin_change_email(client, contact, "someone@else.example")

    contact.refresh_from_db()
    assert contact.email == "someone@else.example"
    [changed] = AuditEntry.objects.filter(action="email_changed_by_staff")
    assert (changed.actor, changed.object_type, changed.object_id) == (
        staff,
        "clients.clientcontact",
        str(contact.pk),
    )
    [notice] = mail.outbox
    assert notice.to == ["rh@acme.example"]
    assert "modifiée par notre équipe" in notice.body  # French, the contact's language
    assert "someone@else.example" not in notice.body


def test_other_changes_by_staff_tell_no_one(client, alice, eve):
    client.force_login(alice)
    mail.outbox.clear()

    admin_change_email(client, eve, "EVE@example.org ")  # the same address, spelt otherwise

    assert not mail.outbox
    assert not AuditEntry.objects.filter(action="email_changed_by_staff").exists()


def test_the_notice_has_a_french_version(client, alice, eve):
    eve.language = "fr"
    eve.save()
    client.force_login(alice)
    mail.outbox.clear()

    admin_change_email(client, eve, ATTACKER)

    [notice] = mail.outbox
    assert "modifiée par notre équipe" in notice.body
    assert re.search(r"\d{1,2} \w+ \d{4}", notice.body)


def test_health_data_that_arrives_before_the_worker_builds_is_withheld(client, dpo, eve):
    from dpo_requests.archives import export_build

    dsr = submit_and_verify(client, kind="access", email="eve@example.org")

    built = export_build(request_id=dsr.pk, now=timezone.now())  # no identity confirmed

    dsr.refresh_from_db()
    assert built == "" and not dsr.export_file and dsr.status == Request.Status.OPEN
    assert AuditEntry.objects.filter(action="export_withheld", object_id=str(dsr.pk)).exists()
    assert not _export_links()


def test_the_dpo_reads_the_warning_in_french(client, alice, dpo, eve):
    client.force_login(alice)
    admin_change_email(client, eve, ATTACKER)
    client.logout()
    dsr = submit_and_verify(client, kind="access", email=ATTACKER)
    client.force_login(dpo)

    page = client.get(reverse("backoffice:request", args=[dsr.pk]), HTTP_ACCEPT_LANGUAGE="fr")

    assert "a été modifiée par notre équipe" in page.content.decode()
    assert "J'ai vérifié l'identité" in page.content.decode().replace("&#x27;", "'")


def _form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            key = form.add_prefix(name)
            data[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def test_a_contact_changed_on_its_organisations_page_is_audited_and_told(client, dpo, alice):
    contact = ClientContactFactory(email="rh@acme.example", language="en")
    organisation = contact.organisation
    client.force_login(alice)  # training staff manage clients and their contacts
    url = reverse("admin:clients_organisation_change", args=[organisation.pk])
    page = client.get(url)
    data = _form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_data(form))
    data[f"{formset.prefix}-0-email"] = ATTACKER
    mail.outbox.clear()

    assert client.post(url, data).status_code == 302

    contact.refresh_from_db()
    assert contact.email == ATTACKER
    [changed] = AuditEntry.objects.filter(action="email_changed_by_staff")
    assert (changed.actor, changed.object_id) == (alice, str(contact.pk))
    [notice] = mail.outbox
    assert notice.to == ["rh@acme.example"] and "was changed by our staff" in notice.body
