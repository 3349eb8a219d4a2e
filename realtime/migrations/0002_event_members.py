from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("realtime", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="members",
            field=models.JSONField(
                blank=True, default=list, verbose_name="membres concernés"
            ),
        ),
    ]
