"""Moderators read the towns' degree-day series (DegreeDay) in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR = "Modérateurs"


def grant(apps, schema_editor) -> None:
    app_config = apps.get_app_config("scoring")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    moderators, _ = Group.objects.get_or_create(name=MODERATOR)
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="scoring", codename="view_degreeday"
        )
    )


def revoke(apps, schema_editor) -> None:
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    for group in Group.objects.filter(name=MODERATOR):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="scoring", codename="view_degreeday"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0004_meter_data"),
        ("community", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
