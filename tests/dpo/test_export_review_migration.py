"""Links emailed before the review step existed keep working: an archive whose request
was closed when it was built counts as sent then."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("dpo_requests", "0003_audit_log_moved_to_core")]
AFTER = [("dpo_requests", "0004_request_export_review")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_a_link_sent_before_the_review_step_still_counts_as_sent():
    try:
        old = _migrate(BEFORE)
        Request = old.get_model("dpo_requests", "Request")
        closed = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
        common = {"kind": "access", "language": "fr", "channel": "web", "received_at": closed}
        sent = Request.objects.create(
            **common, email="ana@example.org", status="done", closed_at=closed,
            export_file="1-a.zip", export_expires_at=closed + datetime.timedelta(days=30),
        )  # fmt: skip
        erased = Request.objects.create(**common, email="bea@example.org", status="done")

        new = _migrate(AFTER)
        Request = new.get_model("dpo_requests", "Request")

        assert Request.objects.get(pk=sent.pk).export_sent_at == closed
        assert Request.objects.get(pk=erased.pk).export_sent_at is None  # no archive, no link
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
