from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .households import Household
from .towns import TownPage


def avatar_path(member: "Member", filename: str) -> str:
    # The stored name never carries the uploaded one (it may hold a real name).
    return f"avatars/{member.user_id}-{timezone.now():%Y%m%d%H%M%S}.jpg"


class Member(models.Model):
    """A person's profile in one town, beside Django's user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        related_name="member",
    )
    town = models.ForeignKey(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    display_name = models.CharField(_("nom affiché"), max_length=60)
    avatar = models.ImageField(_("photo de profil"), upload_to=avatar_path, blank=True)
    preferred_language = models.CharField(
        _("langue préférée"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    # The one « ancien membre » of a town: content kept anonymised after an
    # account deletion is moved to it (mydata.actions.deletion); nobody signs in.
    is_former_member = models.BooleanField(
        _("ancien membre (compte anonyme)"), default=False, editable=False
    )
    # The welcome path after sign-up (community/welcome.py): the steps the
    # member went through (« Passer » records nothing), and when all were done.
    welcome_done = models.JSONField(
        _("étapes d'accueil faites"), default=list, blank=True, editable=False
    )
    welcome_completed_at = models.DateTimeField(
        _("accueil terminé le"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["town"],
                condition=models.Q(is_former_member=True),
                name="member_one_former_member_per_town",
            )
        ]

    def __str__(self) -> str:
        return self.display_name
