from django.db import migrations, models
from django.db.models import F


def existing_members_welcomed(apps, schema_editor) -> None:
    # Members who joined before the welcome path existed are not sent through
    # it, nor offered « Terminer mon accueil » (docs/decisions.md, session 6).
    Member = apps.get_model("community", "Member")
    Member.objects.filter(welcome_completed_at__isnull=True).update(
        welcome_completed_at=F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0006_first_research_consent_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="welcome_completed_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="accueil terminé le",
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="welcome_done",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                verbose_name="étapes d'accueil faites",
            ),
        ),
        migrations.RunPython(existing_members_welcomed, migrations.RunPython.noop),
    ]
