from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0001_campaigns_moved_here'),
        ('consent', '0003_campaign_recipient_outbox_email'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='campaignrecipient',
                    name='campaign',
                ),
                migrations.RemoveField(
                    model_name='campaignrecipient',
                    name='contact',
                ),
                migrations.RemoveField(
                    model_name='campaignrecipient',
                    name='outbox_email',
                ),
                migrations.RemoveField(
                    model_name='campaignrecipient',
                    name='trainee',
                ),
                migrations.DeleteModel(
                    name='Campaign',
                ),
                migrations.DeleteModel(
                    name='CampaignRecipient',
                ),
            ],
            database_operations=[],
        ),
    ]
