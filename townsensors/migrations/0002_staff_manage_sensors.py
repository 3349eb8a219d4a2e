"""A town's administrators and service staff manage its sensors in the admin
(the town scoping of the view set keeps them in their towns)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ("Administrateurs de commune", "Services de la commune")
CODENAMES = (
    "add_townsensor",
    "change_townsensor",
    "delete_townsensor",
    "view_townsensor",
)


def _permissions(apps):
    Permission = apps.get_model("auth.Permission")
    return Permission.objects.filter(
        content_type__app_label="townsensors", codename__in=CODENAMES
    )


def grant(apps, schema_editor) -> None:
    app_config = apps.get_app_config("townsensors")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor) -> None:
    Group = apps.get_model("auth.Group")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("townsensors", "0001_initial"),
        ("community", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
