"""Each existing town gets its own copy of every consent text, and the records
of its households and members point at its copies; the texts without a town
stay as the template that new towns copy."""

from django.db import migrations
from django.db.models import Q


def texts_per_town(apps, schema_editor) -> None:
    ConsentText = apps.get_model("community", "ConsentText")
    ConsentRecord = apps.get_model("community", "ConsentRecord")
    TownPage = apps.get_model("community", "TownPage")
    templates = list(ConsentText.objects.filter(town__isnull=True))
    for town in TownPage.objects.all():
        for template in templates:
            copy, _created = ConsentText.objects.get_or_create(
                town=town,
                kind=template.kind,
                version=template.version,
                defaults={
                    "text": template.text,
                    "published_at": template.published_at,
                },
            )
            ConsentRecord.objects.filter(text=template).filter(
                Q(household__neighbourhood__town=town) | Q(member__town=town)
            ).update(text=copy)


def texts_back_to_template(apps, schema_editor) -> None:
    ConsentText = apps.get_model("community", "ConsentText")
    ConsentRecord = apps.get_model("community", "ConsentRecord")
    for copy in ConsentText.objects.filter(town__isnull=False):
        template = ConsentText.objects.filter(
            town__isnull=True, kind=copy.kind, version=copy.version
        ).first()
        if template is None:
            copy.town = None
            copy.save(update_fields=["town"])
            continue
        ConsentRecord.objects.filter(text=copy).update(text=template)
        copy.delete()


class Migration(migrations.Migration):
    dependencies = [("community", "0010_town_settings")]

    operations = [migrations.RunPython(texts_per_town, texts_back_to_template)]
