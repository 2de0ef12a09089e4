"""Models that moved between apps (issue 12) kept their rows, their content types and
their permissions: the migrations are run backwards and forwards on a populated
PostgreSQL database, and nothing a group may do, nor any row, changes."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from campaigns.models import Campaign, CampaignRecipient
from core.audit import audit_record
from core.holds import hold_place
from core.models import AuditEntry, Hold
from tests.factories import EnrolmentFactory, SessionFactory, TraineeFactory
from training.models import PendingRegistration, SensitiveNeeds
from training.sensitive_needs import sensitive_needs_record

pytestmark = pytest.mark.django_db(transaction=True)

# (app before the move, app after, model): every model issue 12 moved.
MOVES = [
    ("dpo_requests", "core", "auditentry"),
    ("retention", "core", "hold"),
    ("trainees", "training", "sensitiveneeds"),
    ("trainees", "training", "pendingregistration"),
    ("consent", "campaigns", "campaign"),
    ("consent", "campaigns", "campaignrecipient"),
]
# The last migration of each app before the moves (campaigns did not exist).
BEFORE = [
    ("core", "0001_outbox"),
    ("dpo_requests", "0002_request_export_requested_at"),
    ("retention", "0001_initial"),
    ("trainees", "0003_pending_registration"),
    ("training", "0002_enrolment_confirmation_email"),
    ("consent", "0003_campaign_recipient_outbox_email"),
    ("campaigns", None),
]
LOGISTICS = "Accès données sensibles (logistique)"


def _populate(now):
    trainee = TraineeFactory(email="alice@example.org")
    session = SessionFactory(
        start_date=datetime.date(2027, 1, 4), end_date=datetime.date(2027, 1, 5)
    )
    enrolment = EnrolmentFactory(trainee=trainee, session=session)
    sensitive_needs_record(
        enrolment=enrolment,
        food_allergies="Arachides",
        allergies_consent=True,
        disability_adaptations="",
        disability_consent=False,
        now=now,
    )
    PendingRegistration.objects.create(
        session=session,
        email="bob@example.org",
        language="fr",
        token_hash="0" * 64,
        created_at=now,
        expires_at=now + datetime.timedelta(hours=48),
    )
    audit_record(actor=None, action="sensitive_listed", object_type="training.sensitiveneeds")
    hold_place(email="alice@example.org", kind=Hold.Kind.LEGAL_HOLD, reason="Litige", now=now)
    campaign = Campaign.objects.create(
        name="Printemps", purpose="trainee_offers", subject_fr="Offre", body_fr="Texte"
    )
    CampaignRecipient.objects.create(campaign=campaign, trainee=trainee)


def _rows():
    return {
        "auditentry": AuditEntry.objects.count(),
        "hold": Hold.objects.count(),
        "sensitiveneeds": SensitiveNeeds.objects.count(),
        "pendingregistration": PendingRegistration.objects.count(),
        "campaign": Campaign.objects.count(),
        "campaignrecipient": CampaignRecipient.objects.count(),
    }


def _content_types(side: int) -> dict[str, tuple[int, str]]:
    """Each moved model's content type: its id and app, looked up by the app of ``side``
    (0: before the move, 1: after)."""
    found = {}
    for move in MOVES:
        kind = ContentType.objects.get(app_label=move[side], model=move[2])
        found[move[2]] = (kind.pk, kind.app_label)
    return found


def _group_rights() -> dict[str, set[int]]:
    return {
        group.name: set(group.permissions.values_list("pk", flat=True))
        for group in Group.objects.all()
    }


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_moved_models_keep_their_rows_content_types_and_group_rights(require_postgres):
    now = timezone.now()
    _populate(now)
    rows, kinds, rights = _rows(), _content_types(1), _group_rights()
    sensitive_perms = set(
        Permission.objects.filter(content_type__model="sensitiveneeds").values_list("pk", flat=True)
    )
    assert sensitive_perms and sensitive_perms <= rights[LOGISTICS]

    _migrate(BEFORE)

    # Back before the moves: the same content type rows, under the apps they came from.
    assert {model: kind for model, (kind, _app) in _content_types(0).items()} == {
        model: kind for model, (kind, _app) in kinds.items()
    }
    assert _group_rights() == rights

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert _content_types(1) == kinds
    assert {app for _pk, app in kinds.values()} == {"core", "training", "campaigns"}
    assert _group_rights() == rights
    assert _rows() == rows
    # The encrypted value still reads back (the table and its key are the same).
    assert SensitiveNeeds.objects.get().food_allergies == "Arachides"
    assert Hold.objects.get().reason == "Litige"
