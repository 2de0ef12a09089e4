import datetime

from django.db import migrations


def publish(apps, schema_editor):
    apps.get_model("consent", "PolicyVersion").objects.get_or_create(
        number="1.0",
        defaults={"published_on": datetime.date(2026, 11, 26), "summary": "First version."},
    )


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
