"""A town gets its roles when it is created, and every `migrate` sets up the
roles of towns made before roles were per town (community/roles.py)."""

from django.contrib.auth.models import User
from django.db.models import Count
from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.models import Page, Site
from wagtail.signals import post_page_move

from community import roles
from community.actions import do_grant_role, do_setup_town_roles
from community.models import Member, Role, TownPage
from community.towns import towns_changed


def on_town_saved(sender, instance: TownPage, created: bool, raw=False, **kwargs):
    if created and not raw:
        do_setup_town_roles(instance)


def set_up_towns(sender, **kwargs) -> None:
    """Towns without their four roles get them; a person still holding a role
    through its deployment-wide group only (as every staff member did before
    roles were per town) gets it in their town, or in every town."""
    towns = list(TownPage.objects.all())
    incomplete = TownPage.objects.annotate(n=Count("roles")).filter(n__lt=len(Role))
    for town in incomplete:
        do_setup_town_roles(town)
    if not towns:
        return
    for role, group_name in roles.ROLE_GROUPS.items():
        holders = User.objects.filter(groups__name=group_name).exclude(
            groups__town_role__role=role
        )
        for user in holders:
            member = Member.objects.filter(user=user).select_related("town").first()
            targets = towns
            if role == Role.AMBASSADOR and member is not None:
                targets = [member.town]
            for town in targets:
                do_grant_role(user, town, role)


def on_page_changed(sender, instance, raw=False, **kwargs) -> None:
    """The towns kept per process (community/towns.py) are read again after a
    change to a town or to any page at a site's root (depth 2, or the tree's
    root)."""
    if isinstance(instance, Page) and (
        isinstance(instance, TownPage)
        or (instance.depth is not None and instance.depth <= 2)
    ):
        towns_changed()


def on_site_changed(sender, **kwargs) -> None:
    towns_changed()


def connect(app_config) -> None:
    # Any sender: Wagtail saves a page as its own class (TownPage, a tip page…).
    post_save.connect(on_page_changed, dispatch_uid="towns_kept_page_saved")
    post_delete.connect(on_page_changed, dispatch_uid="towns_kept_page_deleted")
    post_page_move.connect(on_site_changed, dispatch_uid="towns_kept_page_moved")
    post_save.connect(on_site_changed, sender=Site, dispatch_uid="towns_kept_site")
    post_delete.connect(
        on_site_changed, sender=Site, dispatch_uid="towns_kept_site_deleted"
    )
    post_save.connect(on_town_saved, sender=TownPage, dispatch_uid="town_roles")
    post_migrate.connect(set_up_towns, sender=app_config, dispatch_uid="town_roles")
