import core.encryption
import django.db.models.deletion
from django.db import migrations, models

from core.model_moves import content_types_move


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('trainees', '0003_pending_registration'),
        ('training', '0002_enrolment_confirmation_email'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PendingRegistration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='email')),
                        ('language', models.CharField(choices=[('fr', 'French'), ('en', 'English')], max_length=5, verbose_name='language')),
                        ('details', models.JSONField(blank=True, default=dict, verbose_name='details')),
                        ('food_allergies', core.encryption.EncryptedTextField(blank=True, null=True, verbose_name='food allergies')),
                        ('allergies_consent', models.BooleanField(default=False, verbose_name='allergy consent')),
                        ('disability_adaptations', core.encryption.EncryptedTextField(blank=True, null=True, verbose_name='disability adaptations')),
                        ('disability_consent', models.BooleanField(default=False, verbose_name='disability consent')),
                        ('objects_to_offers', models.BooleanField(default=False, verbose_name='objects to offers')),
                        ('accepts_subsidiary_offers', models.BooleanField(default=False, verbose_name="accepts subsidiaries' offers")),
                        ('token_hash', models.CharField(max_length=64, unique=True, verbose_name='token hash')),
                        ('created_at', models.DateTimeField(verbose_name='created at')),
                        ('expires_at', models.DateTimeField(db_index=True, verbose_name='expires at')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pending_registrations', to='training.session', verbose_name='session')),
                    ],
                    options={
                        'verbose_name': 'registration awaiting confirmation',
                        'verbose_name_plural': 'registrations awaiting confirmation',
                        'db_table': 'trainees_pendingregistration',
                        'constraints': [models.UniqueConstraint(fields=('session', 'email'), name='pending_one_per_address'), models.CheckConstraint(condition=models.Q(('food_allergies__isnull', True), ('allergies_consent', True), _connector='OR'), name='pending_allergies_need_consent'), models.CheckConstraint(condition=models.Q(('disability_adaptations__isnull', True), ('disability_consent', True), _connector='OR'), name='pending_disability_needs_consent')],
                    },
                ),
                migrations.CreateModel(
                    name='SensitiveNeeds',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('food_allergies', core.encryption.EncryptedTextField(blank=True, null=True, verbose_name='food allergies')),
                        ('allergies_consent_at', models.DateTimeField(blank=True, null=True, verbose_name='allergy consent given on')),
                        ('disability_adaptations', core.encryption.EncryptedTextField(blank=True, null=True, verbose_name='disability adaptations')),
                        ('disability_consent_at', models.DateTimeField(blank=True, null=True, verbose_name='disability consent given on')),
                        ('purged_at', models.DateTimeField(blank=True, null=True, verbose_name='purged on')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('enrolment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='sensitive_needs', to='training.enrolment', verbose_name='enrolment')),
                    ],
                    options={
                        'verbose_name': 'sensitive needs',
                        'verbose_name_plural': 'sensitive needs',
                        'db_table': 'trainees_sensitiveneeds',
                        'constraints': [models.CheckConstraint(condition=models.Q(('food_allergies__isnull', True), ('allergies_consent_at__isnull', False), _connector='OR'), name='allergies_need_consent'), models.CheckConstraint(condition=models.Q(('disability_adaptations__isnull', True), ('disability_consent_at__isnull', False), _connector='OR'), name='disability_needs_consent')],
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_move(
            ('trainees', 'training', 'sensitiveneeds'),
            ('trainees', 'training', 'pendingregistration'),
        ),
    ]
