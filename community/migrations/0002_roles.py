"""The roles resident, ambassador and moderator, with the moderators' Wagtail rights.

Moderators run the site from the Wagtail admin: every page of the tree, the
image and document libraries, and the community snippets. Residents and
ambassadors act from the site itself and get no admin access.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RESIDENT = "Résidents"
AMBASSADOR = "Ambassadeurs"
MODERATOR = "Modérateurs"

PAGE_ACTIONS = ["add", "change", "publish", "lock", "unlock", "bulk_delete"]
MODERATOR_MODEL_PERMISSIONS = {
    ("wagtailadmin", "admin"): ["access_admin"],
    ("community", "neighbourhood"): ["add", "change", "delete", "view"],
    ("community", "household"): ["add", "change", "view"],
    ("community", "member"): ["change", "view"],
    ("community", "invitation"): ["add", "change", "delete", "view"],
}
COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ["add", "change", "choose"],
    ("wagtaildocs", "document"): ["add", "change", "choose"],
}


def ensure_permissions(apps) -> None:
    # Permissions are normally created after every migration has run; these
    # must exist now to be granted.
    for label in (
        "wagtailadmin",
        "wagtailcore",
        "wagtailimages",
        "wagtaildocs",
        "community",
    ):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def permission(apps, app_label: str, model: str, codename: str):
    Permission = apps.get_model("auth.Permission")
    return Permission.objects.get(
        content_type__app_label=app_label,
        content_type__model=model,
        codename=codename,
    )


def full_codename(action: str, model: str) -> str:
    return action if action == "access_admin" else f"{action}_{model}"


def create_roles(apps, schema_editor) -> None:
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    ensure_permissions(apps)

    Group.objects.get_or_create(name=RESIDENT)
    Group.objects.get_or_create(name=AMBASSADOR)
    # Wagtail's stock "Moderators" group becomes ours, so that its default
    # approval workflow already points at the programme's moderators; its stock
    # "Editors" group has no place in the programme.
    Group.objects.filter(name="Moderators").update(name=MODERATOR)
    Group.objects.filter(name="Editors", user__isnull=True).delete()
    moderators, _ = Group.objects.get_or_create(name=MODERATOR)

    for (app_label, model), actions in MODERATOR_MODEL_PERMISSIONS.items():
        for action in actions:
            moderators.permissions.add(
                permission(apps, app_label, model, full_codename(action, model))
            )

    root_page = Page.objects.filter(depth=1).first()
    if root_page is not None:
        for action in PAGE_ACTIONS:
            GroupPagePermission.objects.get_or_create(
                group=moderators,
                page=root_page,
                permission=permission(apps, "wagtailcore", "page", f"{action}_page"),
            )
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for (app_label, model), actions in COLLECTION_PERMISSIONS.items():
            for action in actions:
                GroupCollectionPermission.objects.get_or_create(
                    group=moderators,
                    collection=root_collection,
                    permission=permission(apps, app_label, model, f"{action}_{model}"),
                )


def remove_roles(apps, schema_editor) -> None:
    Group = apps.get_model("auth.Group")
    Group.objects.filter(name__in=[RESIDENT, AMBASSADOR, MODERATOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        # Wagtail's default workflow is assigned to its stock Moderators group.
        ("wagtailcore", "0048_add_default_workflows"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
