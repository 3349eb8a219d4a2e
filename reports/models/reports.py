import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import ApiKey, Member, Neighbourhood, TownPage
from reports.models.categories import ReportCategory

DESCRIPTION_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 1000
ADDRESS_MAX_LENGTH = 200
CLIENT_KEY_MAX_LENGTH = 64


class ReportState(models.TextChoices):
    OPEN = "open", _("ouvert")
    ACKNOWLEDGED = "acknowledged", _("pris en charge")
    RESOLVED = "resolved", _("résolu")
    CLOSED = "closed", _("fermé")
    DUPLICATE = "duplicate", _("doublon")


# Open311's two statuses: what is still to do, and what is done with.
OPEN_STATES = frozenset({ReportState.OPEN, ReportState.ACKNOWLEDGED})


class ReportSource(models.TextChoices):
    SITE = "site", _("site")
    OPEN311 = "open311", _("Open311")


class ModerationState(models.TextChoices):
    PUBLISHED = "published", _("Publié")
    HIDDEN = "hidden", _("Masqué par la modération")


def photo_path(report: "Report", filename: str) -> str:
    # Never the uploaded name: it may hold a real name or a date and place.
    return f"signalements/{timezone.now():%Y/%m}/{uuid.uuid4().hex}-{filename}"


class Report(models.Model):
    """A resident's (or a partner app's) report of a problem in the town's
    public space: a pin or an address, a category, a description, a photo."""

    town = models.ForeignKey(
        TownPage, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        ReportCategory,
        verbose_name=_("catégorie"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    # None: made through Open311 by a partner app, or its author left.
    author = models.ForeignKey(
        Member,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    # The author's name is shown to staff only.
    anonymous = models.BooleanField(_("nom caché aux autres habitants"), default=False)
    source = models.CharField(
        _("origine"),
        max_length=16,
        choices=ReportSource.choices,
        default=ReportSource.SITE,
    )
    api_key = models.ForeignKey(
        ApiKey,
        verbose_name=_("clé d'API"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What an Open311 client said of the person (first_name, last_name, email,
    # phone): for the town's staff only, never served back by the API.
    contact = models.JSONField(_("contact"), default=dict, blank=True)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH)
    address = models.CharField(_("adresse"), max_length=ADDRESS_MAX_LENGTH, blank=True)
    # WGS84; None when only an address was given (no JavaScript, no map).
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    thumbnail = models.ImageField(_("vignette"), upload_to=photo_path, blank=True)
    state = models.CharField(
        _("état"), max_length=16, choices=ReportState.choices, default=ReportState.OPEN
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("doublon de"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    moderation_state = models.CharField(
        _("modération"),
        max_length=16,
        choices=ModerationState.choices,
        default=ModerationState.PUBLISHED,
    )
    # Residents who said « moi aussi » (ReportFollow.me_too), kept by the actions.
    supporters_count = models.PositiveIntegerField(_("« moi aussi »"), default=0)
    # Bumped by every action that changes what the report's card shows.
    version = models.PositiveIntegerField(default=1)
    # Open311's token for a request (tokens/{id}); every report has one.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_key = models.CharField(
        _("clé client"), max_length=CLIENT_KEY_MAX_LENGTH, blank=True
    )
    created_at = models.DateTimeField(_("signalé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("mis à jour le"), default=timezone.now)

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["town", "-created_at"], name="report_town_created"),
            models.Index(fields=["town", "state"], name="report_town_state"),
            # The « nearby » check: a box on latitude within a town.
            models.Index(fields=["town", "latitude"], name="report_town_latitude"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_key"],
                condition=~Q(client_key=""),
                name="report_unique_client_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.category.name} — {self.address or self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def hidden(self) -> bool:
        return self.moderation_state == ModerationState.HIDDEN

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class UpdateKind(models.TextChoices):
    CREATED = "created", _("signalé")
    STATE = "state", _("changement d'état")
    NOTE = "note", _("précision d'un habitant")
    ME_TOO = "me_too", _("« moi aussi »")


class ReportUpdate(models.Model):
    """One entry of a report's timeline: its creation, a state change by the
    town's staff (with its note), or a resident's update."""

    report = models.ForeignKey(
        Report,
        verbose_name=_("signalement"),
        on_delete=models.CASCADE,
        related_name="updates",
    )
    kind = models.CharField(_("type"), max_length=16, choices=UpdateKind.choices)
    # A resident's update: its author (None once they left).
    author = models.ForeignKey(
        Member,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_updates",
    )
    # A state change: the staff member who made it (shown as their service).
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    staff_label = models.CharField(_("service"), max_length=120, blank=True)
    state_from = models.CharField(
        _("état avant"), max_length=16, choices=ReportState.choices, blank=True
    )
    state_to = models.CharField(
        _("état après"), max_length=16, choices=ReportState.choices, blank=True
    )
    note = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    moderation_state = models.CharField(
        _("modération"),
        max_length=16,
        choices=ModerationState.choices,
        default=ModerationState.PUBLISHED,
    )
    client_key = models.CharField(
        _("clé client"), max_length=CLIENT_KEY_MAX_LENGTH, blank=True
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("étape d'un signalement")
        verbose_name_plural = _("étapes des signalements")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_key"],
                condition=~Q(client_key=""),
                name="reportupdate_unique_client_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.report_id})"

    @property
    def hidden(self) -> bool:
        return self.moderation_state == ModerationState.HIDDEN


class ReportFollow(models.Model):
    """A member who follows a report (notified of its changes); `me_too` when
    they said they saw the same problem. The author follows their own report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="follows")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="report_follows"
    )
    me_too = models.BooleanField(default=False)
    # False: they stopped following but their « moi aussi » stands (the row
    # keeps it, so it cannot be said twice).
    notify = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("suivi d'un signalement")
        verbose_name_plural = _("suivis des signalements")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "member"], name="reportfollow_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.report_id}"
