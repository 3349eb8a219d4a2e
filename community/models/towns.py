from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from community.domains import DomainsField, all_domains, domain_labels
from community.translated import english_panel

GEOJSON_GEOMETRIES = {"Polygon", "MultiPolygon"}


@deconstructible
class DeploymentDefault:
    """A town setting's default: the deployment's `SMARTCITIZEN[key]` (or
    `SMARTCITIZEN[key][item]`; for a rate, its count), read when a town is
    created, so that a new town behaves as the whole site did before."""

    def __init__(self, key: str, item: str | None = None) -> None:
        self.key = key
        self.item = item

    def __call__(self):
        value = settings.SMARTCITIZEN[self.key]
        if self.item is not None:
            value = value[self.item]
        if isinstance(value, tuple | list):  # a rate: (count, seconds)
            value = value[0]
        return value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DeploymentDefault) and (self.key, self.item) == (
            other.key,
            other.item,
        )

    def __hash__(self) -> int:
        return hash((self.key, self.item))


def _latitude(verbose_name: str, **kwargs) -> models.FloatField:
    return models.FloatField(
        verbose_name,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        **kwargs,
    )


def _longitude(verbose_name: str, **kwargs) -> models.FloatField:
    return models.FloatField(
        verbose_name,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        **kwargs,
    )


def _count(verbose_name: str, key: str, item: str | None = None, **kwargs):
    return models.PositiveIntegerField(
        verbose_name, default=DeploymentDefault(key, item), **kwargs
    )


# The per-member rates a town tunes: its field, the deployment key giving the
# window (seconds, deployment-wide) and the default count.
RATE_FIELDS = {
    "post": "post_rate",
    "comment": "comment_rate",
    "message": "message_rate",
    "reaction": "reaction_rate",
    "action": "action_rate",
    "tip_proposal": "tip_proposal_rate",
}
NEW_MEMBER_RATE_FIELDS = {"post": "new_post_rate", "message": "new_message_rate"}


# A town's policy (sign-up, coverage, tariffs, map, per-member limits) is set by
# its administrators (the permission is their deployment-wide group's); its
# moderators edit the town page and tune the moderation thresholds, and do not
# get these fields in the form at all.
POLICY_PERMISSION = "community.manage_town_policy"


def _policy(name: str) -> FieldPanel:
    return FieldPanel(name, permission=POLICY_PERMISSION)


class TownPage(Page):
    """The root page of a town's Wagtail Site; everything a resident sees hangs here."""

    intro = RichTextField(_("présentation"), blank=True)
    intro_en = RichTextField(
        _("présentation en anglais"),
        blank=True,
        help_text=_("Montrée aux visiteurs qui lisent le site en anglais."),
    )
    domains = DomainsField(
        _("domaines d'action du programme"),
        default=all_domains,
        help_text=_("Les domaines où les foyers de la commune peuvent agir."),
    )
    participation_target = models.PositiveIntegerField(
        _("objectif de foyers participants"), default=0
    )

    # The town's own settings (« Réglages »): read through community.towns.policy.
    open_signup = models.BooleanField(
        _("inscription libre"),
        default=DeploymentDefault("OPEN_SIGNUP"),
        help_text=_(
            "Cochée : chacun peut créer un foyer dans le quartier de son choix. "
            "Décochée : seul un code d'invitation permet de s'inscrire."
        ),
    )
    invitation_valid_days = models.PositiveIntegerField(
        _("validité des invitations (jours)"),
        default=DeploymentDefault("INVITATION_VALID_DAYS"),
        validators=[MinValueValidator(1)],
    )
    coverage_target_share = models.FloatField(
        _("part de foyers visée par quartier"),
        default=DeploymentDefault("COVERAGE_TARGET_SHARE"),
        validators=[MinValueValidator(0.01), MaxValueValidator(1)],
        help_text=_("Entre 0,01 et 1 : 0,25 vise un foyer sur quatre."),
    )
    tariff_electricity = models.FloatField(
        _("électricité (€/kWh)"),
        default=DeploymentDefault("TARIFFS", "electricity_eur_per_kwh"),
        validators=[MinValueValidator(0)],
    )
    tariff_gas = models.FloatField(
        _("gaz (€/kWh)"),
        default=DeploymentDefault("TARIFFS", "gas_eur_per_kwh"),
        validators=[MinValueValidator(0)],
    )
    tariff_water = models.FloatField(
        _("eau (€/m³)"),
        default=DeploymentDefault("TARIFFS", "water_eur_per_m3"),
        validators=[MinValueValidator(0)],
    )
    bounds_south = _latitude(_("latitude sud"), null=True, blank=True)
    bounds_west = _longitude(_("longitude ouest"), null=True, blank=True)
    bounds_north = _latitude(_("latitude nord"), null=True, blank=True)
    bounds_east = _longitude(_("longitude est"), null=True, blank=True)
    map_latitude = _latitude(_("latitude du centre"), null=True, blank=True)
    map_longitude = _longitude(_("longitude du centre"), null=True, blank=True)
    map_zoom = models.PositiveSmallIntegerField(
        _("zoom de la carte"),
        default=13,
        validators=[MinValueValidator(1), MaxValueValidator(19)],
    )
    auto_hide_trusted_reports = _count(
        _("signalements de membres de confiance qui masquent un contenu"),
        "MODERATION",
        "AUTO_HIDE_TRUSTED_REPORTS",
        validators=[MinValueValidator(1)],
    )
    new_member_days = _count(
        _("nouveau membre : jours"), "MODERATION", "NEW_MEMBER_DAYS"
    )
    new_member_activity = _count(
        _("nouveau membre : publications"), "MODERATION", "NEW_MEMBER_ACTIVITY"
    )
    trusted_days = _count(_("confiance : jours"), "MODERATION", "TRUSTED_DAYS")
    trusted_activity = _count(
        _("confiance : publications"), "MODERATION", "TRUSTED_ACTIVITY"
    )
    post_rate = _count(_("publications par membre"), "POST_RATE")
    comment_rate = _count(_("commentaires par membre"), "COMMENT_RATE")
    message_rate = _count(_("messages par membre"), "MESSAGE_RATE")
    reaction_rate = _count(_("réactions par membre"), "REACTION_RATE")
    action_rate = _count(_("« J'ai agi » par membre"), "ACTION_RATE")
    tip_proposal_rate = _count(_("astuces proposées par membre"), "TIP_PROPOSAL_RATE")
    new_post_rate = _count(
        _("publications d'un nouveau membre"), "MODERATION", "NEW_POST_RATE"
    )
    new_message_rate = _count(
        _("messages d'un nouveau membre"), "MODERATION", "NEW_MESSAGE_RATE"
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        english_panel("intro_en"),
        FieldPanel("domains"),
        FieldPanel("participation_target"),
    ]
    town_settings_panels = [
        MultiFieldPanel(
            [
                _policy("open_signup"),
                _policy("invitation_valid_days"),
                _policy("coverage_target_share"),
            ],
            heading=_("Inscription et couverture"),
        ),
        FieldRowPanel(
            [
                _policy("tariff_electricity"),
                _policy("tariff_gas"),
                _policy("tariff_water"),
            ],
            heading=_("Tarifs"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([_policy("bounds_south"), _policy("bounds_west")]),
                FieldRowPanel([_policy("bounds_north"), _policy("bounds_east")]),
                FieldRowPanel(
                    [
                        _policy("map_latitude"),
                        _policy("map_longitude"),
                        _policy("map_zoom"),
                    ]
                ),
            ],
            heading=_("Carte : limites (sud-ouest, nord-est) et centre"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("auto_hide_trusted_reports"),
                FieldRowPanel(
                    [FieldPanel("new_member_days"), FieldPanel("new_member_activity")]
                ),
                FieldRowPanel(
                    [FieldPanel("trusted_days"), FieldPanel("trusted_activity")]
                ),
            ],
            heading=_("Modération et niveaux de confiance"),
        ),
        MultiFieldPanel(
            [_policy(name) for name in RATE_FIELDS.values()]
            + [_policy(name) for name in NEW_MEMBER_RATE_FIELDS.values()],
            heading=_("Limites par membre (sur la fenêtre du déploiement)"),
        ),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Contenu")),
            ObjectList(Page.promote_panels, heading=_("Promotion")),
            ObjectList(town_settings_panels, heading=_("Réglages")),
            ObjectList(Page.settings_panels, heading=_("Paramètres")),
        ]
    )
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types: list[str] = [
        "ambassadors.AmbassadorIndexPage",
        "tips.TipIndexPage",
        "challenges.ChallengeIndexPage",
        "events.EventIndexPage",
        "localtv.ChannelPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        permissions = [
            (
                "manage_town_policy",
                _("régler la politique de la commune"),
            )
        ]

    def domain_labels(self) -> list[str]:
        return domain_labels(self.domains)

    def clean(self) -> None:
        super().clean()
        check_map(self)

    def get_context(self, request, *args, **kwargs):
        # Imported here: households.py and participation.py import this module.
        from community.participation import with_signed_up
        from community.queries import member_of

        context = super().get_context(request, *args, **kwargs)
        member = member_of(request.user)
        if member is not None and member.town_id == self.pk:
            # A member's home: what happens near them today, from the sections
            # the apps register (community/home.py, which imports this module).
            from community.home import member_home

            member.town = self  # the page itself: not read again
            context["home"] = member_home(member)
            return context
        # One query for every neighbourhood and its « foyers inscrits », counted
        # as the coverage pages count them (community.participation).
        context["neighbourhoods"] = with_signed_up(
            self.neighbourhoods.all(), name="participating"
        ).order_by("name")
        return context


def check_map(town: TownPage) -> None:
    """Refuse bounds given in part, a south above the north, a west beyond the
    east, or a map centre outside the bounds (clear French messages)."""
    bounds = {
        "bounds_south": town.bounds_south,
        "bounds_west": town.bounds_west,
        "bounds_north": town.bounds_north,
        "bounds_east": town.bounds_east,
    }
    given = {name for name, value in bounds.items() if value is not None}
    errors: dict[str, str] = {}
    if given and len(given) < len(bounds):
        for name in bounds.keys() - given:
            errors[name] = _("Donnez les quatre limites, ou aucune.")
    elif given:
        if town.bounds_south >= town.bounds_north:
            errors["bounds_north"] = _(
                "La latitude nord doit être plus grande que la latitude sud."
            )
        if town.bounds_west >= town.bounds_east:
            errors["bounds_east"] = _(
                "La longitude est doit être plus grande que la longitude ouest."
            )
    centre = (town.map_latitude, town.map_longitude)
    if (centre[0] is None) != (centre[1] is None):
        errors["map_longitude" if centre[1] is None else "map_latitude"] = _(
            "Donnez la latitude et la longitude du centre, ou aucune."
        )
    elif given and not errors and centre[0] is not None:
        if not town.bounds_south <= centre[0] <= town.bounds_north:
            errors["map_latitude"] = _(
                "Le centre de la carte doit être entre les latitudes sud et nord."
            )
        if not town.bounds_west <= centre[1] <= town.bounds_east:
            errors["map_longitude"] = _(
                "Le centre de la carte doit être entre les longitudes ouest et est."
            )
    if errors:
        raise ValidationError(errors)


def validate_outline(value) -> None:
    """Accept a GeoJSON Polygon or MultiPolygon, bare or inside a Feature."""
    if value in (None, ""):
        return
    geometry = value.get("geometry") if isinstance(value, dict) else None
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = geometry
    if (
        not isinstance(value, dict)
        or value.get("type") not in GEOJSON_GEOMETRIES
        or not isinstance(value.get("coordinates"), list)
    ):
        raise ValidationError(
            _("Le contour doit être un objet GeoJSON Polygon ou MultiPolygon.")
        )


class Neighbourhood(models.Model):
    """A neighbourhood of a town; households, feeds and challenges belong to one."""

    town = models.ForeignKey(
        TownPage,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="neighbourhoods",
    )
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120)
    household_count = models.PositiveIntegerField(
        _("foyers du quartier"),
        default=0,
        help_text=_("Nombre de foyers qui vivent dans le quartier (recensement)."),
    )
    population = models.PositiveIntegerField(_("habitants"), default=0)
    outline = models.JSONField(
        _("contour (GeoJSON)"),
        null=True,
        blank=True,
        validators=[validate_outline],
    )

    panels = [
        FieldPanel("town"),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("household_count"),
        FieldPanel("population"),
        FieldPanel("outline"),
    ]

    class Meta:
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "slug"], name="neighbourhood_unique_slug_per_town"
            ),
            models.UniqueConstraint(
                fields=["town", "name"], name="neighbourhood_unique_name_per_town"
            ),
        ]

    def __str__(self) -> str:
        return self.name
