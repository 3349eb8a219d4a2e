"""The first published consent text, in French, that ambassadors read on a doorstep."""

from django.db import migrations
from django.utils import timezone

TEXT_V1 = (
    "J'accepte que mon foyer participe au programme Smart Citizen de la commune.\n"
    "\n"
    "Je sais que :\n"
    "- mon foyer est connu du site par un identifiant pseudonyme ; seul cet "
    "identifiant est transmis au calcul des points, jamais mon nom ni mon adresse ;\n"
    "- l'ambassadeur garde l'adresse de sa visite uniquement pour me recontacter ; "
    "elle est effacée au plus tard 90 jours après mon inscription ou mon refus, et "
    "seuls l'ambassadeur et les modérateurs du programme peuvent la voir ;\n"
    "- une fois inscrit, l'ambassadeur voit seulement si mon foyer est actif, pas "
    "mes messages ni mes données de consommation ;\n"
    "- si je n'utilise pas d'appareil, l'ambassadeur peut saisir des actions pour "
    "mon foyer ; elles sont marquées « saisi par l'ambassadeur » et je peux les "
    "contester ;\n"
    "- je peux retirer ce consentement à tout moment depuis mon compte ou auprès de "
    "mon ambassadeur : mon foyer quitte alors le programme et l'ambassadeur ne le "
    "suit plus.\n"
    "\n"
    "La plateforme est indépendante de la mairie : les données des habitants "
    "restent les leurs."
)


def publish_first_text(apps, schema_editor) -> None:
    ConsentText = apps.get_model("community", "ConsentText")
    ConsentText.objects.get_or_create(
        kind="participation",
        version=1,
        defaults={"text": TEXT_V1, "published_at": timezone.now()},
    )


def remove_first_text(apps, schema_editor) -> None:
    ConsentText = apps.get_model("community", "ConsentText")
    ConsentText.objects.filter(
        kind="participation", version=1, records__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("community", "0003_consenttext_consentrecord")]

    operations = [migrations.RunPython(publish_first_text, remove_first_text)]
