from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_log_and_holds_moved_here'),
        ('retention', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Hold',
                ),
            ],
            database_operations=[],
        ),
    ]
