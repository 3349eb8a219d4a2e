"""Reward offers of local shops, and the codes households get for their points."""

import secrets

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from community.models import Household, Member, TownPage
from community.models.households import PUBLIC_ID_ALPHABET

CODE_LENGTH = 8


def new_shop_token() -> str:
    return secrets.token_urlsafe(24)


def new_redemption_code() -> str:
    """Eight unambiguous characters, shown as XXXX-XXXX at the till."""
    raw = "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


class Shop(models.Model):
    """A local shop taking part; it checks codes on a page reached by its token."""

    town = models.ForeignKey(
        TownPage, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("nom"), max_length=120)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    token = models.CharField(
        _("jeton de la page commerçant"),
        max_length=64,
        unique=True,
        default=new_shop_token,
        help_text=_("Secret de l'adresse où le commerçant valide les codes."),
    )

    panels = [FieldPanel("town"), FieldPanel("name"), FieldPanel("address")]

    class Meta:
        verbose_name = _("commerce partenaire")
        verbose_name_plural = _("commerces partenaires")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Reward(models.Model):
    """An offer: what the shop gives for how many points, while stock lasts."""

    shop = models.ForeignKey(
        Shop,
        verbose_name=_("commerce"),
        on_delete=models.PROTECT,
        related_name="rewards",
    )
    title = models.CharField(_("intitulé"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    points = models.PositiveIntegerField(_("points"), validators=[MinValueValidator(1)])
    stock = models.PositiveIntegerField(
        _("stock"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    valid_from = models.DateField(_("valable à partir du"), default=timezone.localdate)
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    monthly_cap = models.PositiveSmallIntegerField(
        _("par foyer et par mois"),
        null=True,
        blank=True,
        help_text=_("Vide : sans limite."),
    )
    active = models.BooleanField(_("proposée"), default=True)

    panels = [
        FieldPanel("shop"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("points"), FieldPanel("stock")]),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
        FieldPanel("monthly_cap"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("récompense")
        verbose_name_plural = _("récompenses")
        ordering = ["points", "title"]

    def __str__(self) -> str:
        return self.title


class Redemption(models.Model):
    """Points spent on a reward: a code the shop marks used once."""

    reward = models.ForeignKey(
        Reward,
        verbose_name=_("récompense"),
        on_delete=models.PROTECT,
        related_name="redemptions",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="redemptions",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("demandé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    points = models.PositiveIntegerField(_("points"))
    code = models.CharField(
        _("code"), max_length=16, unique=True, default=new_redemption_code
    )
    idempotency_key = models.CharField(_("clé d'idempotence"), max_length=100)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("bon d'achat")
        verbose_name_plural = _("bons d'achat")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "idempotency_key"], name="redemption_key_once"
            )
        ]

    def __str__(self) -> str:
        return self.code
