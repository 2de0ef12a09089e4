"""Every other rule of the schedule: what goes, when, and what must survive."""

import dataclasses
import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import Campaign, CampaignRecipient
from clients.models import ClientContact
from consent.models import ConsentRecord, Suppression
from consent.services import consent_record
from cookies.models import ConsentLog
from cookies.services import cookie_choice_record
from core.schedule import RULES
from retention.models import PurgeLog
from retention.services import RetentionBusy, lease_take, retention_run
from tests.factories import (
    ClientContactFactory,
    EnrolmentFactory,
    OrganisationFactory,
    SessionFactory,
    TraineeFactory,
)
from trainees.models import Trainee
from training.models import Enrolment

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2027, 6, 15, 2, 30, tzinfo=datetime.UTC)
TODAY = NOW.date()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def run(*rules, now=NOW):
    return retention_run(now=now, rules=list(rules) or None)


@pytest.mark.policy("K1")
def test_training_records_are_archived_and_minimised_once_no_longer_managed(db):
    trainee = TraineeFactory(phone="0612345678", postal_address="Lyon", occupation="Tech")
    old = EnrolmentFactory(
        trainee=trainee, session=SessionFactory(start_date=days_ago(92), end_date=days_ago(91))
    )
    recent = EnrolmentFactory(
        session=SessionFactory(start_date=days_ago(30), end_date=days_ago(30))
    )

    assert run("training-archive")["training-archive"].affected == 1

    old.refresh_from_db(), recent.refresh_from_db(), trainee.refresh_from_db()
    assert old.archived_at is not None and recent.archived_at is None
    assert (trainee.phone, trainee.postal_address) == ("", "")
    assert (trainee.surname, trainee.occupation) != ("", "")  # what certificates need stays


def test_a_trainee_still_in_training_keeps_their_details(db):
    trainee = TraineeFactory(phone="0612345678")
    EnrolmentFactory(
        trainee=trainee, session=SessionFactory(start_date=days_ago(200), end_date=days_ago(199))
    )
    EnrolmentFactory(trainee=trainee, session=SessionFactory(start_date=TODAY, end_date=TODAY))

    run("training-archive")

    trainee.refresh_from_db()
    assert trainee.phone == "0612345678"


@pytest.mark.policy("K1")
def test_archived_enrolments_leave_the_staff_view_for_the_restricted_archive(client, alice, db):
    from django.contrib.auth.models import Group, User
    from django.urls import reverse

    enrolment = EnrolmentFactory(
        session=SessionFactory(start_date=days_ago(120), end_date=days_ago(120))
    )
    with time_machine.travel(NOW):
        run("training-archive", now=timezone.now())
    dpo = User.objects.create_user("dpo", password="x", is_staff=True)
    dpo.groups.set(Group.objects.filter(name="DPO"))

    client.force_login(alice)
    staff_list = client.get(reverse("admin:training_enrolment_changelist"))
    assert enrolment not in staff_list.context["cl"].result_list
    assert client.get(reverse("admin:training_archivedenrolment_changelist")).status_code == 403
    client.force_login(dpo)
    archive = client.get(reverse("admin:training_archivedenrolment_changelist"))
    assert [e.pk for e in archive.context["cl"].result_list] == [enrolment.pk]


@pytest.mark.policy("K2")
def test_training_records_are_deleted_when_the_limitation_period_expires(db):
    gone = TraineeFactory()
    EnrolmentFactory(
        trainee=gone,
        session=SessionFactory(start_date=days_ago(5 * 366), end_date=days_ago(5 * 366)),
    )
    both = TraineeFactory()
    EnrolmentFactory(
        trainee=both,
        session=SessionFactory(start_date=days_ago(5 * 366), end_date=days_ago(5 * 366)),
    )
    kept = EnrolmentFactory(
        trainee=both,
        session=SessionFactory(start_date=days_ago(4 * 365), end_date=days_ago(4 * 365)),
    )

    results = run("training-archive", "training-records")

    assert results["training-records"].affected == 2
    assert not Trainee.objects.filter(pk=gone.pk).exists()
    assert list(Enrolment.objects.all()) == [kept]
    assert Trainee.objects.filter(pk=both.pk).exists()


@pytest.mark.policy("K3")
def test_prospecting_data_goes_three_years_after_the_relationship_ends(db):
    lost = OrganisationFactory(relationship="ended", relationship_ended_on=days_ago(3 * 365 + 2))
    recent = OrganisationFactory(relationship="ended", relationship_ended_on=days_ago(3 * 365 - 2))
    silent = OrganisationFactory(relationship="prospect", last_contact_on=days_ago(4 * 365))
    # Still called "active", but nothing booked nor heard of in 10 years: a former client.
    dormant = OrganisationFactory(relationship="active", last_contact_on=days_ago(10 * 365))
    busy = OrganisationFactory(relationship="active", last_contact_on=days_ago(10 * 365))
    EnrolmentFactory(
        source="employer",
        client=busy,
        session=SessionFactory(start_date=days_ago(400), end_date=days_ago(399)),
    )
    for organisation in (lost, recent, silent, dormant, busy):
        ClientContactFactory(organisation=organisation)

    assert run("prospect-contacts")["prospect-contacts"].affected == 3

    remaining = set(ClientContact.objects.values_list("organisation_id", flat=True))
    assert remaining == {recent.pk, busy.pk}


@pytest.mark.policy("K3")
def test_people_who_never_enrolled_go_after_three_years(db):
    long_ago = NOW - datetime.timedelta(days=3 * 366)
    lead = TraineeFactory()
    Trainee.objects.filter(pk=lead.pk).update(created_at=long_ago, updated_at=long_ago)
    fresh_lead = TraineeFactory()
    old_trainee = TraineeFactory()
    EnrolmentFactory(trainee=old_trainee)
    Trainee.objects.filter(pk=old_trainee.pk).update(created_at=long_ago, updated_at=long_ago)

    run("trainee-prospects")

    assert set(Trainee.objects.values_list("pk", flat=True)) == {fresh_lead.pk, old_trainee.pk}


@pytest.mark.policy("K4")
def test_cookie_proofs_go_after_six_months(db):
    for at in (NOW - datetime.timedelta(days=186), NOW - datetime.timedelta(days=181)):
        cookie_choice_record(
            action="refuse_all", categories=set(), previous=None, language="fr", now=at
        )

    run("cookie-consent-log")

    # 15 June 2027 minus 6 months is 15 December 2026: 186 days ago is older, 181 is not.
    assert [log.created_at.date() for log in ConsentLog.objects.all()] == [
        (NOW - datetime.timedelta(days=181)).date()
    ]


def test_the_audit_log_keeps_five_years_and_no_one_edits_it_before(db, admin_client):
    from core.models import AuditEntry

    for days in (5 * 366 + 2, 5 * 365 - 2):
        AuditEntry.objects.create(
            at=NOW - datetime.timedelta(days=days), action="records_viewed", object_type="x"
        )

    run("audit-log")

    assert [entry.at for entry in AuditEntry.objects.all()] == [
        NOW - datetime.timedelta(days=5 * 365 - 2)
    ]
    kept = AuditEntry.objects.get()
    # Append-only otherwise: the admin offers neither a change nor a delete.
    assert (
        admin_client.post(f"/admin/core/auditentry/{kept.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=kept.pk).exists()


def test_consent_proofs_of_people_gone_for_five_years_go_and_the_suppression_stays(db):
    old = NOW - datetime.timedelta(days=5 * 366)
    consent_record(
        email="gone@example.org",
        purpose="trainee_offers",
        action="objected",
        channel="unsubscribe_link",
        at=old,
    )
    consent_record(
        email="here@example.org",
        purpose="trainee_offers",
        action="objected",
        channel="unsubscribe_link",
        at=old,
    )
    TraineeFactory(email="here@example.org")

    run("consent-proofs")

    assert list(ConsentRecord.objects.values_list("email", flat=True)) == ["here@example.org"]
    assert Suppression.objects.count() == 2


def test_who_received_a_campaign_is_forgotten_after_ninety_days_but_not_the_counts(db):
    campaign = Campaign.objects.create(
        name="Old",
        purpose="trainee_offers",
        subject_fr="s",
        body_fr="b",
        status="done",
        sent=1,
        finished_at=NOW - datetime.timedelta(days=91),
    )
    CampaignRecipient.objects.create(campaign=campaign, trainee=TraineeFactory(), status="sent")

    run("campaign-recipients")

    campaign.refresh_from_db()
    assert not CampaignRecipient.objects.exists() and campaign.sent == 1


@pytest.mark.policy("K6")
def test_each_run_logs_counts_per_rule_and_no_personal_data(db):
    trainee = TraineeFactory(email="alice.secret@example.org", surname="Secretname")
    EnrolmentFactory(
        trainee=trainee, session=SessionFactory(start_date=days_ago(100), end_date=days_ago(100))
    )

    run()

    logs = list(PurgeLog.objects.values())
    assert {log["rule"] for log in logs} == {rule.name for rule in RULES}
    assert next(log for log in logs if log["rule"] == "training-archive")["affected"] == 1
    assert "alice" not in repr(logs).lower() and "secretname" not in repr(logs).lower()


def test_two_runs_never_overlap(db):
    assert lease_take(name="retention", holder="another-worker", now=NOW)

    with pytest.raises(RetentionBusy):
        run()
    assert not PurgeLog.objects.exists()


def test_a_lease_left_by_a_dead_worker_expires(db):
    lease_take(name="retention", holder="dead-worker", now=NOW - datetime.timedelta(hours=4))

    run()

    assert PurgeLog.objects.exists()


def test_a_dry_run_changes_nothing_and_logs_nothing(db, capsys):
    ended = timezone.localdate() - datetime.timedelta(days=100)
    EnrolmentFactory(session=SessionFactory(start_date=ended, end_date=ended))

    call_command("retention", "run", "--dry-run")

    assert "training-archive              1 would be affected" in capsys.readouterr().out
    assert not Enrolment.objects.filter(archived_at__isnull=False).exists()
    assert not PurgeLog.objects.exists()


def test_a_run_from_the_command_line_shows_a_progress_bar_per_rule(db, capsys):
    ended = timezone.localdate() - datetime.timedelta(days=100)
    for _ in range(2):
        EnrolmentFactory(session=SessionFactory(start_date=ended, end_date=ended))

    call_command("retention", "run", "--rule", "training-archive")

    captured = capsys.readouterr()
    assert f"training-archive{' ' * 7}[{'#' * 30}] 100% (2/2)" in captured.err
    assert "training-archive              2 affected" in captured.out
    assert Enrolment.objects.filter(archived_at__isnull=False).count() == 2


def test_the_forecast_counts_what_falls_due(db, capsys):
    today = timezone.localdate()
    EnrolmentFactory(
        session=SessionFactory(
            start_date=today - datetime.timedelta(days=80),
            end_date=today - datetime.timedelta(days=80),
        )
    )

    call_command("retention", "forecast", "--days", "30")

    line = next(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("training-archive")
    )
    assert line.split()[1:] == ["0", "1"]


def test_every_rule_states_its_policy_sentence_and_takes_its_period_from_settings(settings):
    for rule in RULES:
        assert rule.policy.startswith("§") and rule.period()
    settings.RETENTION = {**settings.RETENTION, "PROSPECTING_YEARS": 2}
    assert "2" in next(rule for rule in RULES if rule.name == "prospect-contacts").period()


def test_a_seeded_database_ends_up_with_what_the_policy_allows(db):
    from training.models import SensitiveNeeds

    call_command("seed_demo", force=True)
    results = retention_run(now=timezone.now())
    today = timezone.localdate()

    assert results["training-records"].affected == 1
    assert not SensitiveNeeds.objects.filter(
        purged_at__isnull=True, enrolment__session__end_date__lt=today
    ).exists()
    assert SensitiveNeeds.objects.filter(purged_at__isnull=True).count() == 2  # upcoming sessions
    assert not Enrolment.objects.filter(
        session__end_date__lt=today - datetime.timedelta(days=90), archived_at__isnull=True
    ).exists()
    assert not ClientContact.objects.filter(
        email__endswith=".example",
        organisation__name__in=["Société Disparue", "Prospect Silencieux"],
    ).exists()
    assert retention_run(now=timezone.now())["training-archive"].affected == 0


@pytest.mark.policy("G5")
def test_held_people_keep_their_campaign_history_too(db):
    from core.holds import hold_place

    campaign = Campaign.objects.create(
        name="Old",
        purpose="trainee_offers",
        subject_fr="s",
        body_fr="b",
        status="done",
        sent=2,
        finished_at=NOW - datetime.timedelta(days=91),
    )
    held, other = TraineeFactory(email="held@example.org"), TraineeFactory()
    for trainee in (held, other):
        CampaignRecipient.objects.create(campaign=campaign, trainee=trainee, status="sent")
    hold_place(email="held@example.org", kind="legal_hold", reason="Litigation", now=NOW)

    result = run("campaign-recipients")["campaign-recipients"]

    assert (result.affected, result.held) == (1, 1)
    assert CampaignRecipient.objects.get().trainee == held


@pytest.mark.policy("G5")
@pytest.mark.parametrize(
    ("stamped_before_start", "other_hold_in_force"),
    [
        (datetime.timedelta(0), False),
        (datetime.timedelta(hours=1), False),
        (datetime.timedelta(0), True),
    ],
    ids=[
        "placed-during-the-run",
        "stamped-an-hour-before-the-start-by-a-skewed-clock",
        "while-another-hold-is-in-force",
    ],
)
def test_a_hold_placed_while_the_job_runs_is_honoured_at_once(
    db, settings, stamped_before_start, other_hold_in_force
):
    from core.holds import hold_place

    settings.RETENTION_BATCH_SIZE = 1
    if other_hold_in_force:
        hold_place(email="c@example.org", kind="legal_hold", reason="Litigation", now=NOW)
    first, second = TraineeFactory(email="a@example.org"), TraineeFactory(email="b@example.org")
    for trainee in (first, second):
        EnrolmentFactory(
            trainee=trainee,
            session=SessionFactory(start_date=days_ago(100), end_date=days_ago(100)),
        )
    placed = []

    def progress(rule, count):
        if not placed:  # after the first batch, someone asks for a restriction
            placed.append(
                hold_place(
                    email="b@example.org",
                    kind="restriction",
                    reason="Art. 18",
                    now=timezone.now() - stamped_before_start,
                )
            )

    with time_machine.travel(NOW):
        result = retention_run(now=timezone.now(), rules=["training-archive"], progress=progress)

    assert result["training-archive"].held == 1  # counted as held, as the purge log shows
    archived = set(
        Enrolment.objects.filter(archived_at__isnull=False).values_list("trainee__email", flat=True)
    )
    assert archived == {"a@example.org"}


def test_the_task_delivered_again_takes_over_its_own_lease(db):
    assert lease_take(name="retention", holder="task-42", now=NOW)

    assert "training-archive" in retention_run(
        now=NOW, rules=["training-archive"], holder="task-42"
    )
    lease_take(name="retention", holder="task-42", now=NOW)
    with pytest.raises(RetentionBusy):
        run()  # any other run still waits


def boom(**kwargs):
    """A rule's due selector that fails, quoting an address in its message."""
    raise ValueError("alice.secret@example.org broke it")


@pytest.mark.policy("K6")
def test_a_failing_rule_logs_its_class_only_and_the_others_still_run(db, monkeypatch, caplog):
    from core import schedule

    rule = schedule.BY_NAME["cookie-consent-log"]
    monkeypatch.setitem(
        schedule.BY_NAME, "cookie-consent-log", dataclasses.replace(rule, due=f"{__name__}.boom")
    )

    results = retention_run(now=NOW, rules=["cookie-consent-log", "campaign-recipients"])

    assert "campaign-recipients" in results
    failed = PurgeLog.objects.get(rule="cookie-consent-log")
    assert (failed.outcome, failed.error) == ("failed", "ValueError")
    assert "alice" not in caplog.text


def test_the_prospecting_period_setting_changes_what_is_due(db, settings):
    from clients.purges import prospect_contacts_due

    organisation = OrganisationFactory(
        relationship="ended", relationship_ended_on=days_ago(2 * 365 + 10)
    )
    ClientContactFactory(organisation=organisation)

    assert prospect_contacts_due(now=NOW).count() == 0
    settings.RETENTION = {**settings.RETENTION, "PROSPECTING_YEARS": 2}
    assert prospect_contacts_due(now=NOW).count() == 1


def test_archived_trainees_leave_the_staff_lists(client, alice, db):
    from django.urls import reverse

    archived = TraineeFactory(surname="Archivé")
    EnrolmentFactory(
        trainee=archived, session=SessionFactory(start_date=days_ago(200), end_date=days_ago(200))
    )
    current = TraineeFactory(surname="Actuel")
    EnrolmentFactory(trainee=current, session=SessionFactory(start_date=TODAY, end_date=TODAY))
    with time_machine.travel(NOW):
        run("training-archive", now=timezone.now())
    client.force_login(alice)

    listed = client.get(reverse("admin:trainees_trainee_changelist")).context["cl"].result_list

    assert [t.surname for t in listed] == ["Actuel"]
