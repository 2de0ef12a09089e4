"""Accounts on the online learning platform: opened with a record in the recipients log,
closed by their own job the day after the access period (never by the retention
schedule, which a restore re-runs), retried when the platform fails, and the Moodle
connector proven against recorded exchanges (no network)."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.disclosures import disclosures_of
from core.holds import hold_lift, hold_place
from dpo_requests.selectors import erasure_plan, subject_export
from lms.models import LmsAccess
from lms.services import (
    lms_access_grant,
    lms_access_request,
    lms_accesses_revoke_due,
    lms_grants_retry,
)
from retention.services import retention_run
from tests.factories import CourseFactory, EnrolmentFactory, SessionFactory, TraineeFactory

pytestmark = pytest.mark.django_db

RECORDINGS = Path(__file__).parent / "recordings"
URL = "https://moodle.example/webservice/rest/server.php"


class Replay:
    """A fake HTTP transport: each call must be the next recorded request (function and
    parameters); it answers the recorded response."""

    def __init__(self, *names: str):
        self.exchanges = [x for name in names for x in json.loads((RECORDINGS / name).read_text())]
        self.calls = 0

    def __call__(self, url: str, form: dict[str, str]) -> object:
        assert self.exchanges, f"unexpected call to the platform: {form.get('wsfunction')}"
        expected = self.exchanges.pop(0)
        params = {k: v for k, v in form.items() if k not in ("wstoken", "wsfunction")}
        assert url == URL
        assert form["wstoken"] == "test-token"
        assert params.pop("moodlewsrestformat") == "json"
        assert (form["wsfunction"], params) == (
            expected["request"]["wsfunction"],
            expected["request"]["params"],
        )
        self.calls += 1
        return expected["response"]

    @property
    def done(self) -> bool:
        return not self.exchanges


@pytest.fixture
def moodle(settings, monkeypatch):
    """Moodle configured; ``moodle("file.json", ...)`` replays those exchanges."""
    settings.MOODLE_URL, settings.MOODLE_TOKEN = "https://moodle.example/", "test-token"
    settings.LMS_ACCESS_DAYS_AFTER_SESSION = 30

    def replay(*names):
        transport = Replay(*names)
        monkeypatch.setattr("lms.connectors.urllib_transport", transport)
        return transport

    return replay


@pytest.fixture
def alice_online():
    """Alice's enrolment on an online session that ends in ten days."""
    start = timezone.localdate() + datetime.timedelta(days=10)
    session = SessionFactory(
        course=CourseFactory(code="RGPD-101"),
        format="online",
        start_date=start,
        end_date=start,
        meals_provided=False,
    )
    alice = TraineeFactory(email="alice@example.org", first_name="Alice", surname="Lambert")
    return EnrolmentFactory(trainee=alice, session=session, status="confirmed")


def _granted(moodle, enrolment) -> LmsAccess:
    replay = moodle("grant_existing_user.json")
    access = lms_access_request(enrolment=enrolment, now=timezone.now())
    assert lms_access_grant(access_id=access.pk, now=timezone.now())
    assert replay.done
    access.refresh_from_db()
    return access


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.mark.policy("T1")
def test_granting_creates_the_account_and_records_whom_the_data_went_to(
    moodle, alice_online, django_capture_on_commit_callbacks
):
    replay = moodle("grant_new_user.json")

    with django_capture_on_commit_callbacks() as queued:
        access = lms_access_request(enrolment=alice_online, now=timezone.now())
    assert len(queued) == 1  # the grant's task, after commit
    assert lms_access_grant(access_id=access.pk, now=timezone.now())

    access.refresh_from_db()
    assert replay.done
    assert (access.state, access.login, access.platform) == (
        "granted",
        "alice@example.org",
        "Moodle (moodle.example)",
    )
    [sent] = disclosures_of(email="alice@example.org")
    assert (sent.kind, sent.recipient) == ("lms", "Moodle (moodle.example)")
    assert (sent.object_type, sent.object_id) == ("lms.lmsaccess", str(access.pk))


def test_an_in_person_session_has_no_platform_access(moodle):
    enrolment = EnrolmentFactory(session=SessionFactory(format="in_person"))

    with pytest.raises(ValidationError):
        lms_access_request(enrolment=enrolment, now=timezone.now())
    assert not LmsAccess.objects.exists()


def test_a_failed_call_is_retried_and_the_record_says_so(moodle, alice_online):
    moodle("invalid_token.json")
    asked = timezone.now()
    access = lms_access_request(enrolment=alice_online, now=asked)

    assert not lms_access_grant(access_id=access.pk, now=asked)

    access.refresh_from_db()
    assert (access.state, access.attempts) == ("to_grant", 1)
    assert "invalidtoken" in access.last_error
    assert not disclosures_of(email="alice@example.org").exists()

    replay = moodle("grant_existing_user.json")
    later = asked + datetime.timedelta(minutes=15)
    assert lms_grants_retry(now=later) == {"granted": 1, "failed": 0}
    access.refresh_from_db()
    assert replay.done
    assert (access.state, access.login, access.attempts, access.last_error) == (
        "granted",
        "alambert",
        1,
        "",
    )


def test_revocation_happens_the_day_after_the_period_and_not_before(moodle, alice_online):
    access = _granted(moodle, alice_online)
    last_day = alice_online.session.end_date + datetime.timedelta(days=30)

    moodle()  # any call on the last day fails the test
    assert lms_accesses_revoke_due(now=_at(last_day, hour=23)) == {"revoked": 0, "failed": 0}

    replay = moodle("revoke.json")
    assert lms_accesses_revoke_due(now=_at(last_day + datetime.timedelta(days=1), hour=0)) == {
        "revoked": 1,
        "failed": 0,
    }
    access.refresh_from_db()
    assert replay.done
    assert access.state == "revoked" and access.revoked_at is not None


def test_a_failed_revocation_is_tried_again_at_the_next_run(moodle, alice_online):
    access = _granted(moodle, alice_online)
    due = _at(alice_online.session.end_date + datetime.timedelta(days=31))

    moodle("invalid_token.json")
    assert lms_accesses_revoke_due(now=due) == {"revoked": 0, "failed": 1}
    access.refresh_from_db()
    assert (access.state, access.attempts) == ("granted", 1)

    moodle("revoke.json")
    assert lms_accesses_revoke_due(now=due + datetime.timedelta(hours=1))["revoked"] == 1


def test_the_restore_path_never_calls_the_platform(moodle, alice_online):
    """A restore applies the retention schedule to the backup's data: an access long
    past its period stays open there (the revocation job closes it, not the schedule),
    and only records closed over a year ago go."""
    access = _granted(moodle, alice_online)
    long_ago = timezone.now() - datetime.timedelta(days=400)
    closed = LmsAccess.objects.create(
        enrolment=EnrolmentFactory(session=alice_online.session),
        email="bruno@example.org",
        course_code="RGPD-101",
        platform="Moodle (moodle.example)",
        state="revoked",
        requested_at=long_ago,
        granted_at=long_ago,
        revoked_at=long_ago,
    )
    replay = moodle()  # any call fails the test

    far = _at(alice_online.session.end_date + datetime.timedelta(days=90))
    retention_run(now=far, holder="restore")

    assert replay.calls == 0
    access.refresh_from_db()
    assert access.state == "granted"
    assert not LmsAccess.objects.filter(pk=closed.pk).exists()


def test_a_closed_record_goes_a_year_after_closing_and_not_before(moodle, alice_online):
    access = _granted(moodle, alice_online)
    closed_at = timezone.now() - datetime.timedelta(days=364)
    LmsAccess.objects.filter(pk=access.pk).update(state="revoked", revoked_at=closed_at)

    retention_run(now=timezone.now(), rules=["lms-access-records"])
    assert LmsAccess.objects.filter(pk=access.pk).exists()

    retention_run(now=timezone.now() + datetime.timedelta(days=2), rules=["lms-access-records"])
    assert not LmsAccess.objects.filter(pk=access.pk).exists()


def test_the_dpo_exports_it_and_an_erasure_closes_the_account_first(moodle, alice_online):
    access = _granted(moodle, alice_online)

    [exported] = subject_export(email="Alice@example.org")["lms_accesses"]
    assert (exported["login"], exported["state"]) == ("alambert", "granted")
    [plan] = [
        p
        for p in erasure_plan(email="alice@example.org", today=timezone.localdate())
        if p.record.model == "lms.lmsaccess"
    ]
    assert plan.action == "keep"

    from core.providers import providers

    [provider] = [p for p in providers() if type(p).__name__ == "LmsAccessProvider"]
    assert provider.erase(email="alice@example.org", now=timezone.now()) == {"erase": 0, "keep": 1}
    moodle("revoke.json")
    assert lms_accesses_revoke_due(now=timezone.now())["revoked"] == 1
    access.refresh_from_db()
    assert access.state == "revoked"


def test_without_moodle_settings_the_records_are_kept_and_nothing_is_called(alice_online):
    access = lms_access_request(enrolment=alice_online, now=timezone.now(), login="alice.l")

    assert lms_access_grant(access_id=access.pk, now=timezone.now())

    access.refresh_from_db()
    assert (access.platform, access.login, access.state) == ("Moodle", "alice.l", "granted")


@pytest.mark.policy("G5")
def test_nothing_goes_to_the_platform_for_a_restricted_trainee_until_lifted(moodle, alice_online):
    hold = hold_place(
        email="alice@example.org", kind="restriction", reason="accuracy", now=timezone.now()
    )
    moodle()  # any call to the platform fails the test
    access = lms_access_request(enrolment=alice_online, now=timezone.now())

    assert not lms_access_grant(access_id=access.pk, now=timezone.now())

    access.refresh_from_db()
    assert access.state == "to_grant" and "Art. 18" in access.last_error
    assert not disclosures_of(email="alice@example.org").exists()
    hold_lift(hold=hold, now=timezone.now())
    replay = moodle("grant_existing_user.json")
    later = timezone.now() + datetime.timedelta(minutes=15)  # the retry job's next run
    assert lms_grants_retry(now=later)["granted"] == 1
    assert replay.done
