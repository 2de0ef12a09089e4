"""Every email survives a broker or mail server outage (issue 11, defect 3).

The source is scanned for every place that builds, sends or queues mail; each one is
declared here with the story that exercises it, and each story is played against a real
refused connection: the broker on a closed port, then the SMTP server on a closed port.
The request answers normally, the email waits in the outbox, and once the service is
back the sweeper delivers it. A new place that sends mail fails the first test until it
is declared here (and so proven).
"""

import ast
import dataclasses
import datetime
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.services import campaign_address, campaigns_resume
from consent.models import ConsentRecord
from core.models import OutboxEmail
from core.outbox import outbox_sweep
from dpo_requests.models import Request
from tests.factories import OrganisationFactory, TraineeFactory
from tests.outages import broker_down, mail_server_down

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
# Calls that build, send or queue mail (or queue a task that may).
MAIL_CALLS = {
    "EmailMessage",
    "EmailMultiAlternatives",
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "get_connection",
}
SEND_METHODS = {"send", "send_messages", "delay", "apply_async", "send_task"}
# The outbox itself, which every other site goes through.
OUTBOX = {"core/outbox.py", "core/tasks.py"}
# Calls named like a send that send no mail: a Django signal to the apps above.
# and the LMS tasks (open or close a platform account; lms/services.py).
NOT_MAIL = {
    "core/signals.py:consent_withdrawn_announce:send",
    "training/services.py:enrolment_create:send",
    "training/services.py:enrolment_set_status:send",
    "lms/services.py:_queue:delay",
    # The DPO's "run the retention schedule now" (no email).
    "retention/dpo_views.py:_queue:delay",
}


def _calls(tree: ast.AST, scope: str = ""):
    """(enclosing function, called name) for every call in the tree."""
    for child in ast.iter_child_nodes(tree):
        inner = scope
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            inner = f"{scope}.{child.name}" if scope else child.name
        if isinstance(child, ast.Call):
            func = child.func
            if isinstance(func, ast.Name):
                yield scope or "<module>", func.id
            elif isinstance(func, ast.Attribute):
                yield scope or "<module>", func.attr
        yield from _calls(child, inner)


def _mail_sites() -> set[str]:
    """ "path:function:call" for every mail or task call in the project's code, outside
    the outbox itself, the tests and the migrations."""
    sites = set()
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "tests"} or "migrations" in relative.parts:
            continue
        if relative.as_posix() in OUTBOX:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        sites |= {
            f"{relative.as_posix()}:{scope}:{name}"
            for scope, name in _calls(tree)
            if name in MAIL_CALLS | SEND_METHODS
        }
    return sites - NOT_MAIL


# Every place that sends or queues mail → the stories that prove it survives an outage.
DECLARED = {
    "training/emails.py:registration_outcome_message:EmailMultiAlternatives": [
        "registration",
        "registration_again",
    ],
    "training/emails.py:enrolment_confirmation_message:EmailMultiAlternatives": [
        "registration_confirmed"
    ],
    "training/emails.py:processor_notice_message:EmailMultiAlternatives": ["employer_enrolment"],
    "consent/emails.py:marketing_message:EmailMultiAlternatives": ["campaign"],
    "consent/emails.py:self_service_link_message:EmailMultiAlternatives": ["self_service_link"],
    "core/address_changes.py:address_changed_message:EmailMultiAlternatives": [
        "staff_changes_address"
    ],
    "campaigns/services.py:campaign_start.queue:delay": ["campaign"],
    "dpo_requests/emails.py:request_message:EmailMultiAlternatives": [
        "rights_request",
        "dpo_extends",
        "dpo_exports",
        "dpo_sends_archive",
    ],
    "dpo_requests/archives.py:request_export_start.queue:delay": ["dpo_exports"],
    "dpo_requests/emails.py:due_soon_message:EmailMessage": ["dpo_reminder"],
    "documents/emails.py:convocation_message:EmailMultiAlternatives": [
        "staff_confirm",
        "convocation_again",
    ],
    "documents/emails.py:agreement_message:EmailMultiAlternatives": ["agreement"],
    "attendance/emails.py:certificate_message:EmailMultiAlternatives": ["certificates"],
    "surveys/emails.py:survey_invitation_message:EmailMultiAlternatives": ["survey_invitation"],
}


def test_every_place_that_sends_mail_is_declared_and_proven():
    found = _mail_sites()

    undeclared = sorted(found - DECLARED.keys())
    gone = sorted(DECLARED.keys() - found)
    assert undeclared == [], (
        "New places send or queue mail: send through core.outbox.email_enqueue, then "
        "declare each one in DECLARED with a story that proves it survives an outage."
    )
    assert gone == [], "Declared places no longer exist: remove them from DECLARED."
    assert {story for stories in DECLARED.values() for story in stories} <= STORIES.keys()


def test_nothing_outside_the_outbox_sends_an_email_itself():
    sends = {site for site in _mail_sites() if site.rsplit(":", 1)[1] in {"send", "send_mail"}}

    assert sends == set()


# --- The stories -------------------------------------------------------------------


@dataclasses.dataclass
class Story:
    """What a person or the staff does, which email it causes, to whom."""

    act: Callable  # (world) -> response or None
    kind: str
    to: str
    # Once the service is back: what beat or the person does before the sweeper runs.
    recover: Callable = lambda world: None
    # What happened before the outage.
    before: Callable = lambda world: None


@dataclasses.dataclass
class World:
    client: object
    session: object


def _staff(username, group):
    user = User.objects.create_user(username, password="x", is_staff=True)
    user.groups.set(Group.objects.filter(name=group))
    return user


def _open_request(email="eve@example.org", kind="access"):
    return Request.objects.create(
        kind=kind,
        email=email,
        language="en",
        channel="web",
        received_at=timezone.now(),
        verified_at=timezone.now(),
        status=Request.Status.OPEN,
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )


def _registration_form(**fields):
    return {
        "surname": "Lambert",
        "first_name": "Alice",
        "email": "alice.lambert@example.org",
        "phone": "+33 6 12 34 56 78",
        "postal_address": "3 rue des Lilas, 69003 Lyon",
        "registering_as": "individual",
        "employer_name": "",
        "occupation": "Technicienne",
        "diplomas_and_skills": "",
        "food_allergies": "",
        "disability_adaptations": "",
        **fields,
    }


def _register(world):
    response = world.client.post(
        reverse("training:registration_form", args=[world.session.pk]), _registration_form()
    )
    assert response.status_code == 302
    return response


def _register_again(world):
    """Someone registers an address already enrolled: the email says so (no link)."""
    from tests.factories import EnrolmentFactory

    trainee = TraineeFactory(email="alice.lambert@example.org")
    EnrolmentFactory(trainee=trainee, session=world.session)
    return _register(world)


def _confirm(world):
    """The owner follows the link of the email that waited in the outbox."""
    import re

    with_link = OutboxEmail.objects.get(kind="registration.confirm")
    path = re.search(r"http://testserver(/register/confirm/\S+/)", with_link.body).group(1)
    return world.client.post(path)


def _submitted_earlier(world):
    """The form was sent, and its link delivered, while every service was up."""
    _register(world)
    outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=2))
    mail.outbox.clear()


def _employer_enrols(world):
    from training.services import enrolment_create

    enrolment_create(
        trainee=TraineeFactory(email="employee@example.org"),
        session=world.session,
        source="employer",
        client=OrganisationFactory(),
    )


def _campaign(world):
    TraineeFactory(email="dora@example.org")
    offer = Campaign.objects.create(
        name="Printemps",
        purpose=ConsentRecord.Purpose.TRAINEE_OFFERS,
        subject_fr="Nos formations",
        body_fr="Découvrez nos sessions.",
    )
    from trainees.models import Trainee

    campaign_address(campaign=offer, trainees=Trainee.objects.all())
    world.client.force_login(_staff("mia", "Marketing"))
    return world.client.post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "send", "_selected_action": [offer.pk]},
    )


def _campaigns_resume(world):
    """Beat's resume-campaigns job, some minutes later."""
    campaigns_resume(
        now=timezone.now() + datetime.timedelta(minutes=10), grace=datetime.timedelta(minutes=5)
    )


def _ask_for_a_link(world):
    TraineeFactory(email="fay@example.org")
    return world.client.post(reverse("consent:request"), {"email": "fay@example.org"})


def _file_a_rights_request(world):
    return world.client.post(
        reverse("dpo_requests:new"), {"kind": "access", "email": "gus@example.org"}
    )


def _dpo_acts(action, **data):
    def act(world):
        dsr = Request.objects.first() or _open_request()
        world.client.force_login(
            User.objects.filter(username="dana").first() or _staff("dana", "DPO")
        )
        return world.client.post(f"/backoffice/requests/{dsr.pk}/act/", {"action": action, **data})

    return act


def _staff_changes_an_address(world):
    """Training staff correct a trainee's address in the admin: the previous one is told."""
    trainee = TraineeFactory(email="hal@example.org")
    world.client.force_login(_staff("tom", "Équipe formation"))
    return world.client.post(
        reverse("admin:trainees_trainee_change", args=[trainee.pk]),
        {
            "surname": trainee.surname,
            "first_name": trainee.first_name,
            "email": "hal.new@example.org",
            "language": "fr",
        },
    )


def _requeue_exports(world):
    """Beat's requeue-exports job, once the broker is back; the DPO checks the archive
    and sends its link."""
    from dpo_requests.archives import exports_requeue

    exports_requeue(
        now=timezone.now() + datetime.timedelta(minutes=15), grace=datetime.timedelta(minutes=10)
    )
    assert not OutboxEmail.objects.filter(kind="dsr.export_ready").exists()  # not before
    _dpo_acts("send")(world)


def _archive_built(world):
    """The DPO asked for Eve's archive and a worker built it: it waits for review."""
    from dpo_requests.archives import export_build

    dsr = _open_request()
    Request.objects.filter(pk=dsr.pk).update(export_requested_at=timezone.now())
    export_build(request_id=dsr.pk, now=timezone.now())


def _staff_confirm(world):
    """Training staff confirm an enrolment in the admin: the convocation, PDF attached."""
    from tests.factories import EnrolmentFactory

    enrolment = EnrolmentFactory(
        trainee=TraineeFactory(email="ivy@example.org"), session=world.session
    )
    world.client.force_login(_staff("tom", "Équipe formation"))
    return world.client.post(
        reverse("admin:training_enrolment_changelist"),
        {"action": "confirm_selected", "_selected_action": [enrolment.pk]},
    )


def _convocation_again(world):
    """Training staff send a confirmed enrolment's convocation again."""
    from tests.factories import EnrolmentFactory

    enrolment = EnrolmentFactory(
        trainee=TraineeFactory(email="jay@example.org"), session=world.session, status="confirmed"
    )
    world.client.force_login(_staff("tom", "Équipe formation"))
    return world.client.post(
        reverse("admin:documents_enrolmentdocuments_changelist"),
        {"action": "send_convocations", "_selected_action": [enrolment.pk]},
    )


def _send_agreement(world):
    """Training staff send the training agreement to the client's contact."""
    from tests.factories import ClientContactFactory, EnrolmentFactory

    contact = ClientContactFactory(email="rh@acme.example")
    enrolment = EnrolmentFactory(
        session=world.session, source="employer", client=contact.organisation, funding="employer"
    )
    world.client.force_login(_staff("tom", "Équipe formation"))
    return world.client.post(
        reverse("admin:documents_enrolmentdocuments_changelist"),
        {"action": "send_agreements", "_selected_action": [enrolment.pk]},
    )


def _remind_the_dpo(world):
    from dpo_requests.tasks import remind_due_soon

    _open_request()
    remind_due_soon()  # as beat runs it in a worker


def _certificates_issued(world):
    from attendance.tasks import issue_certificates
    from tests.factories import EnrolmentFactory, SessionFactory

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ended = SessionFactory(start_date=yesterday, end_date=yesterday, format="in_person")
    EnrolmentFactory(
        session=ended, status="confirmed", trainee=TraineeFactory(email="ivy@example.org")
    )
    issue_certificates()  # as beat runs it in a worker


def _survey_after_the_session(world):
    """Beat's daily job asks the trainees of a session that ended yesterday."""
    from surveys.tasks import invite_to_surveys
    from tests.factories import EnrolmentFactory, SessionFactory

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ended = SessionFactory(start_date=yesterday, end_date=yesterday)
    EnrolmentFactory(session=ended, trainee=TraineeFactory(email="una@example.org"))
    invite_to_surveys()  # as beat runs it in a worker


STORIES = {
    "registration": Story(_register, "registration.confirm", "alice.lambert@example.org"),
    "registration_again": Story(
        _register_again, "registration.already_enrolled", "alice.lambert@example.org"
    ),
    "registration_confirmed": Story(
        _confirm, "enrolment.confirmation", "alice.lambert@example.org", before=_submitted_earlier
    ),
    "employer_enrolment": Story(
        _employer_enrols, "enrolment.processor_notice", "employee@example.org"
    ),
    "campaign": Story(_campaign, "campaign.offer", "dora@example.org", _campaigns_resume),
    "self_service_link": Story(_ask_for_a_link, "consent.self_service_link", "fay@example.org"),
    "rights_request": Story(_file_a_rights_request, "dsr.verify", "gus@example.org"),
    "dpo_extends": Story(
        _dpo_acts("extend", months=2, reason="Records in three archives"),
        "dsr.extended",
        "eve@example.org",
    ),
    # With the broker down the archive cannot be built: beat's requeue-exports builds it.
    "dpo_exports": Story(
        _dpo_acts("export"), "dsr.export_ready", "eve@example.org", _requeue_exports
    ),
    # The DPO checked the archive and sends its link while a service is down.
    "dpo_sends_archive": Story(
        _dpo_acts("send"), "dsr.export_ready", "eve@example.org", before=_archive_built
    ),
    "dpo_reminder": Story(_remind_the_dpo, "dsr.due_soon", "dpo@example.org"),
    "staff_changes_address": Story(
        _staff_changes_an_address, "staff.email_changed", "hal@example.org"
    ),
    "certificates": Story(_certificates_issued, "attendance.certificate", "ivy@example.org"),
    "survey_invitation": Story(_survey_after_the_session, "survey.invitation", "una@example.org"),
}
STORIES |= {
    "staff_confirm": Story(_staff_confirm, "documents.convocation", "ivy@example.org"),
    "convocation_again": Story(_convocation_again, "documents.convocation", "jay@example.org"),
    "agreement": Story(_send_agreement, "documents.agreement", "rh@acme.example"),
}
OUTAGES = {"broker": broker_down, "mail server": mail_server_down}


@pytest.mark.parametrize("outage", OUTAGES)
@pytest.mark.parametrize("story", STORIES)
def test_each_email_survives_an_outage_and_the_sweeper_delivers_it(
    client, session, settings, tmp_path, caplog, story, outage
):
    settings.PRIVATE_FILES_ROOT = tmp_path
    world, story = World(client=client, session=session), STORIES[story]
    caplog.set_level(logging.INFO)
    story.before(world)

    with OUTAGES[outage]():
        response = story.act(world)
        assert response is None or response.status_code < 500
        assert mail.outbox == []

    assert story.to not in caplog.text  # no address in the logs
    story.recover(world)
    later = timezone.now() + datetime.timedelta(minutes=10)
    outbox_sweep(now=later)

    assert [m.to for m in mail.outbox if story.to in m.to] == [[story.to]]
    email = OutboxEmail.objects.get(kind=story.kind)
    assert email.status == OutboxEmail.Status.SENT
    assert outbox_sweep(now=later + datetime.timedelta(hours=2)) == (0, 0)  # sent once


# --- The two stories of the issue, told in full ------------------------------------


@pytest.mark.policy("G8")
def test_with_the_broker_down_a_rights_request_is_accepted_and_its_link_follows(client):
    with broker_down():
        response = client.post(
            reverse("dpo_requests:new"),
            {"kind": "erasure", "email": "gus@example.org"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert Request.objects.get().status == Request.Status.AWAITING_VERIFICATION
    assert mail.outbox == []

    assert outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=2)) == (1, 0)
    [verify] = mail.outbox
    assert verify.to == ["gus@example.org"]
    assert "/privacy/requests/verify/" in verify.body


def test_with_the_broker_down_the_dpo_extends_and_the_person_is_told_later(client):
    dsr = _open_request(kind="erasure")
    client.force_login(_staff("dana", "DPO"))

    with broker_down():
        response = client.post(
            f"/backoffice/requests/{dsr.pk}/act/",
            {"action": "extend", "months": 2, "reason": "Records in three archives"},
        )

    assert response.status_code == 302
    dsr.refresh_from_db()
    assert dsr.status == Request.Status.EXTENDED
    assert mail.outbox == []

    assert outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=2)) == (1, 0)
    [told] = mail.outbox
    assert told.to == ["eve@example.org"]
    assert "Records in three archives" in told.body


def test_a_campaign_launched_with_the_broker_down_goes_out_once_it_is_back(client):
    with broker_down():
        response = _campaign(World(client=client, session=None))

    assert response.status_code == 302
    offer = Campaign.objects.get()
    assert offer.status == Campaign.Status.SENDING

    _campaigns_resume(None)
    outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=10))

    offer.refresh_from_db()
    assert offer.status == Campaign.Status.DONE
    [offer_email] = mail.outbox
    assert offer_email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_email_carries_an_allergy_or_a_disability_value(client, session):
    session.meals_provided = True
    session.save()
    client.post(
        reverse("training:registration_form", args=[session.pk]),
        _registration_form(
            food_allergies="Arachides",
            allergies_consent="on",
            disability_adaptations="Fauteuil roulant",
            disability_consent="on",
        ),
    )

    stored = list(OutboxEmail.objects.values_list("subject", "body", "alternatives"))
    assert stored
    for subject, body, alternatives in stored:
        text = subject + body + str(alternatives)
        assert "Arachides" not in text and "Fauteuil" not in text
