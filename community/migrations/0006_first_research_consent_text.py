"""The first research-use consent text, in plain French (optional, per household)."""

from django.db import migrations
from django.utils import timezone

RESEARCH_TEXT_V1 = (
    "J'accepte que les données de mon foyer servent, sous forme de statistiques "
    "pseudonymisées, à l'évaluation du programme Smart Citizen par l'université.\n"
    "\n"
    "Je sais que :\n"
    "- l'université ne reçoit jamais mon nom, mon adresse, mon e-mail ni mes "
    "messages : seulement des totaux par quartier et par semaine (foyers "
    "participants, actions par domaine, points, évolution médiane des "
    "consommations) ;\n"
    "- un total qui concerne moins de 5 foyers n'est jamais transmis ;\n"
    "- ce consentement est facultatif : le refuser ne change rien à ma "
    "participation au programme ;\n"
    "- je peux le retirer à tout moment depuis « Mes données » : mon foyer "
    "n'est alors plus compté dans les exports suivants."
)


def publish_research_text(apps, schema_editor) -> None:
    ConsentText = apps.get_model("community", "ConsentText")
    ConsentText.objects.get_or_create(
        kind="research",
        version=1,
        defaults={"text": RESEARCH_TEXT_V1, "published_at": timezone.now()},
    )


def remove_research_text(apps, schema_editor) -> None:
    ConsentText = apps.get_model("community", "ConsentText")
    ConsentText.objects.filter(kind="research", version=1, records=None).delete()


class Migration(migrations.Migration):
    dependencies = [("community", "0005_research_consent_former_member")]

    operations = [
        migrations.RunPython(publish_research_text, remove_research_text),
    ]
