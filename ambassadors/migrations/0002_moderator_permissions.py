"""Moderators read the ambassadors' visits, follow-ups and audit log in the admin;
ambassadors hold the "doorstep" permission that shows them the tour's link."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR = "Modérateurs"
AMBASSADOR = "Ambassadeurs"
VIEWED = ["visit", "onboarding", "assistedaction", "auditentry"]


def grant(apps, schema_editor) -> None:
    app_config = apps.get_app_config("ambassadors")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    moderators, _ = Group.objects.get_or_create(name=MODERATOR)
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="ambassadors",
            codename__in=[f"view_{model}" for model in VIEWED],
        )
    )
    ambassadors, _ = Group.objects.get_or_create(name=AMBASSADOR)
    ambassadors.permissions.add(
        Permission.objects.get(
            content_type__app_label="ambassadors", codename="doorstep"
        )
    )


def revoke(apps, schema_editor) -> None:
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    for group in Group.objects.filter(name__in=[MODERATOR, AMBASSADOR]):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="ambassadors")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ambassadors", "0001_initial"),
        ("community", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
