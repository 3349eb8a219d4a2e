"""Every reward shop already there gets its line in the directory (new ones get
theirs when created: localshops/wagtail_hooks.py)."""

from django.db import migrations


def add_businesses(apps, schema_editor) -> None:
    Shop = apps.get_model("challenges", "Shop")
    LocalBusiness = apps.get_model("localshops", "LocalBusiness")
    for shop in Shop.objects.filter(local_business__isnull=True):
        LocalBusiness.objects.create(
            town_id=shop.town_id,
            name=shop.name,
            address=shop.address,
            kind="shop",
            reward_shop=shop,
        )


class Migration(migrations.Migration):
    dependencies = [("localshops", "0002_moderator_permissions")]

    operations = [migrations.RunPython(add_businesses, migrations.RunPython.noop)]
