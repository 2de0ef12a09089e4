"""Issue 11, defect 2, the audit of every public form: none changes anything attached to
an address before its owner confirms from the email sent to it.

- registration: tests/public/test_registration_confirmation.py;
- the rights request (/privacy/requests/new/): it waits for the emailed link before the
  DPO sees it, and changes nothing meanwhile (below);
- the self-service link (/my-data/new-link/): it only emails a link to the address, and
  what that link opens is the owner's page (below);
- the cookie banner is about a browser, not an address.
"""

import pytest
from django.urls import reverse

from consent.models import ConsentRecord, Suppression
from core.models import Hold
from dpo_requests.models import Request
from dpo_requests.selectors import request_queue
from tests.factories import EnrolmentFactory, TraineeFactory
from trainees.models import Trainee
from training.models import Enrolment, PendingRegistration, SensitiveNeeds

pytestmark = pytest.mark.django_db

ADDRESS = "alice.lambert@example.org"


@pytest.fixture
def alice_on_file(db):
    alice = TraineeFactory(email=ADDRESS, language="en")
    EnrolmentFactory(trainee=alice)
    return alice


def what_we_hold_about(alice) -> tuple:
    alice.refresh_from_db()
    return (
        alice.updated_at,
        alice.language,
        Enrolment.objects.filter(trainee=alice).count(),
        SensitiveNeeds.objects.count(),
        ConsentRecord.objects.filter(email=ADDRESS).count(),
        Suppression.objects.count(),
        Hold.objects.count(),
        PendingRegistration.objects.count(),
    )


@pytest.mark.parametrize("kind", [kind for kind, _label in Request.Kind.choices])
def test_an_unverified_rights_request_changes_nothing_for_the_address(
    client, alice_on_file, kind, django_capture_on_commit_callbacks
):
    before = what_we_hold_about(alice_on_file)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dpo_requests:new"), {"kind": kind, "email": ADDRESS, "details": "x"}
        )

    assert response.status_code == 200
    assert what_we_hold_about(alice_on_file) == before
    assert Request.objects.get().status == Request.Status.AWAITING_VERIFICATION
    assert not request_queue().exists()  # the DPO sees it only once the address is confirmed


def test_asking_for_a_self_service_link_changes_nothing_for_the_address(
    client, alice_on_file, django_capture_on_commit_callbacks
):
    before = what_we_hold_about(alice_on_file)
    people = Trainee.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consent:request"), {"email": ADDRESS})
        client.post(reverse("consent:request"), {"email": "stranger@example.org"})

    assert response.status_code == 200
    assert what_we_hold_about(alice_on_file) == before
    assert Trainee.objects.count() == people
