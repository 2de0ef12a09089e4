from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('training', '0003_sensitive_needs_and_pending_registrations_moved_here'),
        ('trainees', '0003_pending_registration'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='sensitiveneeds',
                    name='enrolment',
                ),
                migrations.DeleteModel(
                    name='PendingRegistration',
                ),
                migrations.DeleteModel(
                    name='SensitiveNeeds',
                ),
            ],
            database_operations=[],
        ),
    ]
