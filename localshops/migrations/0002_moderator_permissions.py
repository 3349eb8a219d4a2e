"""The town's moderators manage its shops, producers and seasonal calendar in
the admin, and read its local purchases (the snippet lists are scoped to their
towns: localshops/wagtail_hooks.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR = "Modérateurs"
MANAGED = ["localbusiness", "produce"]
ACTIONS = ["add", "change", "delete", "view"]


def grant(apps, schema_editor) -> None:
    app_config = apps.get_app_config("localshops")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    moderators, _ = Group.objects.get_or_create(name=MODERATOR)
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="localshops",
            codename__in=[
                *(f"{a}_{m}" for a in ACTIONS for m in MANAGED),
                "view_localpurchase",
            ],
        )
    )


def revoke(apps, schema_editor) -> None:
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    for group in Group.objects.filter(name=MODERATOR):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="localshops")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("localshops", "0001_initial"),
        ("community", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
