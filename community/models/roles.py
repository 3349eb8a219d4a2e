from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from community.models.towns import TownPage


class Role(models.TextChoices):
    """The staff roles a person holds in a given town (community/roles.py)."""

    MODERATOR = "moderator", _("modérateur")
    AMBASSADOR = "ambassador", _("ambassadeur")
    SERVICE = "service", _("agent des services de la commune")
    TOWN_ADMIN = "town_admin", _("administrateur de la commune")


class TownRole(models.Model):
    """One role of one town, carried by a Django group of its own.

    Holding the role is being in the group: Wagtail's page permissions on the
    town's tree, its collection and its review workflow all point at the group,
    so the admin's own permission checks stop at the town's edge.
    """

    town = models.ForeignKey(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="roles",
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    group = models.OneToOneField(
        Group,
        verbose_name=_("groupe"),
        on_delete=models.CASCADE,
        related_name="town_role",
    )

    class Meta:
        verbose_name = _("rôle dans une commune")
        verbose_name_plural = _("rôles dans les communes")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "role"], name="town_role_unique_per_town"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.town.title}"
