"""The last contact each person on file started, read from what is already recorded.

Known to be the person's own doing: a self-registration (an enrolment "registered
themself": the person confirmed it, or asked staff for it), and a consent they gave on
the registration form, on their own page or in writing to staff. Nobody else gets a
date: their prospecting clock runs from their last session, or, for someone who never
enrolled, from the day they were put on file. ``updated_at`` is not used: staff edits
and the archiving job move it.
"""

from django.db import migrations
from django.db.models import Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

PERSON_CHANNELS = ["registration_form", "self_service", "staff"]


def last_contact_from_history(apps, schema_editor):
    Trainee = apps.get_model("trainees", "Trainee")
    Enrolment = apps.get_model("training", "Enrolment")
    ConsentRecord = apps.get_model("consent", "ConsentRecord")
    registered = Subquery(
        Enrolment.objects.filter(trainee=OuterRef("pk"), source="self")
        .order_by()
        .values("trainee")
        .annotate(at=Max("created_at"))
        .values("at")
    )
    consented = Subquery(
        ConsentRecord.objects.filter(
            Q(trainee=OuterRef("pk")) | Q(email=OuterRef("email")),
            action="given",
            channel__in=PERSON_CHANNELS,
        )
        .order_by("-at")
        .values("at")[:1]
    )
    # One statement; Greatest of two Coalesces, since SQLite's gives NULL for any NULL.
    Trainee.objects.update(
        last_contact_at=Greatest(Coalesce(registered, consented), Coalesce(consented, registered))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0004_campaigns_moved_to_their_app"),
        ("trainees", "0006_trainee_last_contact_at"),
        ("training", "0010_admin_list_indexes"),
    ]

    operations = [
        migrations.RunPython(last_contact_from_history, migrations.RunPython.noop, elidable=True)
    ]
