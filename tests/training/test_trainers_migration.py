"""The free-text trainer of each session becomes a Trainer record: one per distinct name
(whatever its case or spaces), and sessions with none keep none."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("training", "0006_enrolment_funding_database_default"), ("lms", None)]
AFTER = [("training", "0007_trainers")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def test_each_distinct_trainer_text_becomes_one_trainer():
    try:
        old = _migrate(BEFORE)
        Course = old.get_model("training", "Course")
        Session = old.get_model("training", "Session")
        course = Course.objects.create(code="SST", title="SST", duration_hours=14)
        day = datetime.date(2027, 1, 4)
        for name in ("Nadia Benali", "nadia benali ", "Paul Leroy", ""):
            Session.objects.create(
                course=course,
                start_date=day,
                end_date=day,
                location="Lyon",
                capacity=5,
                trainer=name,
            )

        new = _migrate(AFTER)
        Trainer = new.get_model("training", "Trainer")
        Session = new.get_model("training", "Session")

        assert sorted(Trainer.objects.values_list("name", flat=True)) == [
            "Nadia Benali",
            "Paul Leroy",
        ]
        assert set(Trainer.objects.values_list("status", flat=True)) == {"employee"}
        by_trainer = sorted(
            (s.trainer.name if s.trainer else "") for s in Session.objects.select_related("trainer")
        )
        assert by_trainer == ["", "Nadia Benali", "Nadia Benali", "Paul Leroy"]
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
