import consent.models
import django.db.models.deletion
from django.db import migrations, models

from core.model_moves import content_types_move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('consent', '0003_campaign_recipient_outbox_email'),
        ('clients', '0001_initial'),
        ('core', '0002_audit_log_and_holds_moved_here'),
        ('trainees', '0004_sensitive_needs_and_pending_registrations_moved_to_training'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Campaign',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=150, verbose_name='name')),
                        ('purpose', models.CharField(choices=[('trainee_offers', 'Offers to trainees from us and our French subsidiaries'), ('client_prospecting', 'Prospecting, studies and statistics (client contacts)'), ('subsidiary_offers', 'Offers from our French subsidiaries'), ('newsletter', 'Newsletter')], max_length=20, verbose_name='purpose')),
                        ('subject_fr', models.CharField(max_length=150, validators=[consent.models.one_line], verbose_name='subject (French)')),
                        ('body_fr', models.TextField(max_length=10000, verbose_name='text (French)')),
                        ('subject_en', models.CharField(blank=True, help_text='Empty: English speakers receive the French text.', max_length=150, validators=[consent.models.one_line], verbose_name='subject (English)')),
                        ('body_en', models.TextField(blank=True, max_length=10000, verbose_name='text (English)')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('sending', 'Sending'), ('done', 'Sent')], default='draft', max_length=10, verbose_name='status')),
                        ('sent', models.PositiveIntegerField(default=0, verbose_name='sent')),
                        ('skipped', models.PositiveIntegerField(default=0, verbose_name='skipped (objected, withdrawn or suppressed)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='sending started on')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='sending finished on')),
                    ],
                    options={
                        'verbose_name': 'offer campaign',
                        'verbose_name_plural': 'offer campaigns',
                        'db_table': 'consent_campaign',
                        'ordering': ['-created_at'],
                        'permissions': [('send_campaign', 'Can send an offer campaign')],
                    },
                ),
                migrations.CreateModel(
                    name='CampaignRecipient',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('pending', 'To send'), ('sent', 'Sent'), ('skipped', 'Skipped'), ('failed', 'Refused by the mail server')], default='pending', max_length=10, verbose_name='status')),
                        ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='when')),
                        ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recipients', to='campaigns.campaign', verbose_name='campaign')),
                        ('contact', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='clients.clientcontact', verbose_name='client contact')),
                        ('outbox_email', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='core.outboxemail')),
                        ('trainee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='trainees.trainee', verbose_name='trainee')),
                    ],
                    options={
                        'verbose_name': 'campaign recipient',
                        'verbose_name_plural': 'campaign recipients',
                        'db_table': 'consent_campaignrecipient',
                        'indexes': [models.Index(fields=['campaign', 'status'], name='consent_cam_campaig_bb861b_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('contact__isnull', True), ('trainee__isnull', False)), models.Q(('contact__isnull', False), ('trainee__isnull', True)), _connector='OR'), name='recipient_is_one_person'), models.UniqueConstraint(fields=('campaign', 'trainee'), name='recipient_trainee_once'), models.UniqueConstraint(fields=('campaign', 'contact'), name='recipient_contact_once')],
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_move(
            ('consent', 'campaigns', 'campaign'),
            ('consent', 'campaigns', 'campaignrecipient'),
        ),
    ]
