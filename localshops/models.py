"""The town's shops and producers, its seasonal calendar, and what households
bought locally (with the receipt's photo, kept private)."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from challenges.models import Shop
from community.models import Household, Member, TownPage

ALL_MONTHS = (1 << 12) - 1


def month_bit(month: int) -> int:
    """The bit of `month` (1–12) in a MonthsField."""
    return 1 << (month - 1)


def months_of(mask: int) -> list[int]:
    """The months (1–12) a MonthsField value holds."""
    return [month for month in range(1, 13) if mask & month_bit(month)]


class MonthsFormField(forms.MultipleChoiceField):
    """Twelve checkboxes, cleaned to the bit mask the model stores."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        kept = {k: kwargs[k] for k in ("required", "label", "help_text") if k in kwargs}
        super().__init__(
            choices=[(str(month), name) for month, name in MONTHS.items()], **kept
        )

    def prepare_value(self, value):
        if isinstance(value, int):
            return [str(month) for month in months_of(value)]
        return value

    def clean(self, value) -> int:
        chosen = super().clean(value)
        return sum(month_bit(int(month)) for month in chosen)

    def has_changed(self, initial, data) -> bool:
        try:
            return (initial or 0) != sum(month_bit(int(m)) for m in data or [])
        except ValueError:
            return True


class MonthsField(models.PositiveSmallIntegerField):
    """Months of the year as a 12-bit mask (bit 0: January): one integer that
    both SQLite and PostgreSQL filter with a bitwise and."""

    def formfield(self, **kwargs):
        return MonthsFormField(
            required=not self.blank,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
        )


class BusinessKind(models.TextChoices):
    SHOP = "shop", _("Commerce")
    PRODUCER = "producer", _("Producteur")
    MARKET_STALL = "market_stall", _("Étal du marché")


class ProduceCategory(models.TextChoices):
    FRUIT = "fruit", _("Fruit")
    VEGETABLE = "vegetable", _("Légume")
    OTHER = "other", _("Autre")


class Produce(models.Model):
    """A line of the town's seasonal calendar: a produce and its months."""

    town = models.ForeignKey(
        TownPage, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("produit"), max_length=80)
    category = models.CharField(
        _("catégorie"),
        max_length=12,
        choices=ProduceCategory.choices,
        default=ProduceCategory.VEGETABLE,
    )
    months = MonthsField(
        _("mois de saison"),
        default=0,
        help_text=_("Les mois où le produit se trouve chez les producteurs du coin."),
    )

    panels = [
        FieldPanel("town"),
        FieldPanel("name"),
        FieldPanel("category"),
        FieldPanel("months"),
    ]

    class Meta:
        verbose_name = _("produit de saison")
        verbose_name_plural = _("calendrier de saison")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "name"], name="localshops_produce_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def in_season(self, month: int) -> bool:
        return bool(self.months & month_bit(month))

    @property
    def month_numbers(self) -> list[int]:
        return months_of(self.months)


class LocalBusiness(models.Model):
    """A shop, producer or market stall of the town, in the public directory.

    Its address is public (a business's, not a person's). Linked to a reward
    shop of the programme, it « accepte les récompenses » and lists them.
    """

    town = models.ForeignKey(
        TownPage, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("nom"), max_length=120)
    kind = models.CharField(
        _("type"),
        max_length=16,
        choices=BusinessKind.choices,
        default=BusinessKind.SHOP,
    )
    description = models.TextField(
        _("ce qu'on y trouve"),
        blank=True,
        help_text=_("Quelques phrases : ce que le commerce ou le producteur vend."),
    )
    products = models.ManyToManyField(
        Produce,
        verbose_name=_("produits du calendrier"),
        blank=True,
        related_name="businesses",
        help_text=_(
            "Les produits du calendrier de saison qu'il propose : il apparaît "
            "avec eux sur la page « De saison »."
        ),
    )
    opening_hours = models.TextField(
        _("horaires"),
        blank=True,
        help_text=_("Par exemple : « Mardi et vendredi 8 h – 12 h ; samedi matin »."),
    )
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    website = models.URLField(_("site web"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    reward_shop = models.OneToOneField(
        Shop,
        verbose_name=_("commerce partenaire du programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="local_business",
        help_text=_("Rempli : le commerce accepte les récompenses du programme."),
    )
    active = models.BooleanField(
        _("visible dans l'annuaire"), default=True, db_index=True
    )

    panels = [
        FieldPanel("town"),
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("products", widget=forms.CheckboxSelectMultiple),
        FieldPanel("opening_hours"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("latitude"), FieldPanel("longitude")],
            heading=_("Où"),
        ),
        FieldPanel("website"),
        FieldPanel("phone"),
        FieldPanel("reward_shop"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("commerce ou producteur")
        verbose_name_plural = _("commerces et producteurs")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["town", "active", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def accepts_rewards(self) -> bool:
        return self.reward_shop_id is not None

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def clean(self) -> None:
        """The shop and the position belong to the business's town."""
        from reports.geo import check_position

        super().clean()
        if self.town_id is None:
            return
        if self.reward_shop is not None and self.reward_shop.town_id != self.town_id:
            raise ValidationError(
                {"reward_shop": _("Ce commerce partenaire est d'une autre commune.")}
            )
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                {"longitude": _("Donnez la latitude et la longitude, ou aucune.")}
            )
        if self.has_position:
            try:
                check_position(self.town, self.latitude, self.longitude)
            except ValidationError as error:
                raise ValidationError({"latitude": error.messages}) from None


def _private_storage():
    # Outside MEDIA_ROOT and without a URL (as meters' files): the receipt is
    # served by a view that checks who asks.
    return storages["exports"]


def receipt_path(purchase: "LocalPurchase", filename: str) -> str:
    # Never the uploaded name: it may carry a real name.
    return f"localshops/receipts/{purchase.household_id}/{uuid.uuid4().hex}.jpg"


class LocalPurchase(models.Model):
    """« J'ai acheté local »: a household's purchase, its receipt and its points."""

    town = models.ForeignKey(
        TownPage, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="local_purchases",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("déclaré par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    business = models.ForeignKey(
        LocalBusiness,
        verbose_name=_("commerce"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="purchases",
    )
    # The name when it was bought: it stays if the business leaves the directory.
    business_name = models.CharField(_("nom du commerce"), max_length=120)
    amount = models.DecimalField(
        _("montant (€)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    receipt = models.FileField(
        _("photo du ticket"), storage=_private_storage, upload_to=receipt_path
    )
    # The form's client key; the scoring core's key is built from it.
    idempotency_key = models.CharField(_("clé d'idempotence"), max_length=100)
    points_awarded = models.IntegerField(_("points"), default=0)
    occurred_at = models.DateTimeField(_("acheté le"), default=timezone.now)
    created_at = models.DateTimeField(_("déclaré le"), default=timezone.now)

    class Meta:
        verbose_name = _("achat local")
        verbose_name_plural = _("achats locaux")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "idempotency_key"],
                name="localshops_purchase_once_per_key",
            )
        ]
        indexes = [models.Index(fields=["household", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.business_name} ({self.created_at:%Y-%m-%d})"
