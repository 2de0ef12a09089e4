"""Trainers become records: each distinct free-text trainer of a session becomes a
Trainer (an employee until staff say otherwise), and the session points to it."""

import django.db.models.deletion
from django.db import migrations, models


def texts_to_trainers(apps, schema_editor):
    Session = apps.get_model("training", "Session")
    Trainer = apps.get_model("training", "Trainer")
    trainers = {}  # one per name, whatever its case or spaces
    for session in Session.objects.exclude(trainer_name="").order_by("pk"):
        name = " ".join(session.trainer_name.split())
        if not name:
            continue
        if name.casefold() not in trainers:
            trainers[name.casefold()] = Trainer.objects.create(name=name)
        Session.objects.filter(pk=session.pk).update(trainer=trainers[name.casefold()])


def trainers_to_texts(apps, schema_editor):
    Session = apps.get_model("training", "Session")
    for session in Session.objects.filter(trainer__isnull=False).select_related("trainer"):
        Session.objects.filter(pk=session.pk).update(trainer_name=session.trainer.name)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0006_enrolment_funding_database_default"),
    ]

    operations = [
        migrations.CreateModel(
            name="Trainer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=150, verbose_name="name")),
                ("email", models.EmailField(blank=True, max_length=254, verbose_name="email")),
                (
                    "status",
                    models.CharField(
                        choices=[("employee", "Employee"), ("subcontractor", "Subcontractor")],
                        default="employee",
                        max_length=15,
                        verbose_name="status",
                    ),
                ),
                ("company", models.CharField(blank=True, max_length=200, verbose_name="company (subcontractor)")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
            ],
            options={"verbose_name": "trainer", "verbose_name_plural": "trainers", "ordering": ["name"]},
        ),
        migrations.RenameField(model_name="session", old_name="trainer", new_name="trainer_name"),
        migrations.AddField(
            model_name="session",
            name="trainer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="sessions",
                to="training.trainer",
                verbose_name="trainer",
            ),
        ),
        migrations.RunPython(texts_to_trainers, trainers_to_texts),
        migrations.RemoveField(model_name="session", name="trainer_name"),
    ]
