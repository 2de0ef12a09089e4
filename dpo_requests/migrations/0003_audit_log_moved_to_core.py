from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_log_and_holds_moved_here'),
        ('dpo_requests', '0002_request_export_requested_at'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='AuditEntry',
                ),
            ],
            database_operations=[],
        ),
    ]
