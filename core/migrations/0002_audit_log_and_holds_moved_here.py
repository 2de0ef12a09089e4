import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.model_moves import content_types_move


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('dpo_requests', '0002_request_export_requested_at'),
        ('retention', '0001_initial'),
        ('core', '0001_outbox'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Hold',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(db_index=True, max_length=254, verbose_name='person (email, normalised)')),
                        ('kind', models.CharField(choices=[('restriction', 'Restriction of processing (Art. 18)'), ('legal_hold', 'Legal hold')], max_length=12, verbose_name='kind')),
                        ('reason', models.CharField(max_length=300, verbose_name='reason')),
                        ('until', models.DateField(blank=True, help_text='Empty: until lifted.', null=True, verbose_name='until')),
                        ('created_at', models.DateTimeField(verbose_name='placed on')),
                        ('lifted_at', models.DateTimeField(blank=True, null=True, verbose_name='lifted on')),
                    ],
                    options={
                        'verbose_name': 'hold',
                        'verbose_name_plural': 'holds',
                        'db_table': 'retention_hold',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='AuditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(db_index=True, verbose_name='when')),
                        ('action', models.CharField(db_index=True, max_length=50, verbose_name='action')),
                        ('object_type', models.CharField(max_length=50, verbose_name='object')),
                        ('object_id', models.CharField(blank=True, max_length=50, verbose_name='object id')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
                    ],
                    options={
                        'verbose_name': 'audit entry',
                        'verbose_name_plural': 'audit log',
                        'db_table': 'dpo_requests_auditentry',
                        'ordering': ['-at', '-pk'],
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_move(
            ('dpo_requests', 'core', 'auditentry'),
            ('retention', 'core', 'hold'),
        ),
    ]
