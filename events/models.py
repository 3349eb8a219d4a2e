"""Event pages (workshops, visits, repair cafés, markets) and households'
registrations to them (docs/events.md)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from community.domains import Domain
from community.index_pages import TownIndexPage
from community.models import Household, Member, TownPage
from community.translated import english_panel

EVENTS_PER_PAGE = 10
# The most people one household brings (besides the event's capacity).
MAX_PEOPLE_PER_HOUSEHOLD = 12


class EventIndexPage(RoutablePageMixin, TownIndexPage):
    """The events of a town: upcoming by date, past ones, proposal, calendar feed."""

    subpage_types = ["events.EventPage"]

    class Meta:
        verbose_name = _("index des événements")
        verbose_name_plural = _("index des événements")

    def get_context(self, request, *args, **kwargs):
        from events import queries

        context = super().get_context(request, *args, **kwargs)
        context.update(queries.index_context(request, self))
        return context

    @path("")
    def list_view(self, request):
        return self.render(request)

    @path("proposer/", name="propose")
    def propose_view(self, request):
        from events import views

        return views.propose(request, self)


class EventPageForm(WagtailAdminPageForm):
    """The admin's form: an end after the start, a position inside the town."""

    def clean(self):
        from reports import geo

        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("La fin doit venir après le début."))
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            self.add_error(
                "longitude",
                _("Donnez la latitude et la longitude, ou aucune des deux."),
            )
        elif latitude is not None:
            town = town_of_index(self.parent_page)
            try:
                geo.check_position(town, latitude, longitude)
            except ValidationError as error:
                self.add_error("latitude", error)
        return cleaned


def town_of_index(index: Page | None) -> TownPage | None:
    """The town above an event index (or an event), one query."""
    if index is None:
        return None
    return TownPage.objects.ancestor_of(index, inclusive=True).first()


class EventPage(RoutablePageMixin, Page):
    """An event with a date, a place, a capacity in people and points for attending."""

    summary = models.TextField(
        _("en bref"),
        max_length=500,
        help_text=_("Une ou deux phrases, montrées dans les listes et le calendrier."),
    )
    title_en = models.CharField(_("titre en anglais"), max_length=255, blank=True)
    summary_en = models.TextField(_("en bref, en anglais"), max_length=500, blank=True)
    body = RichTextField(_("description"), blank=True)
    start = models.DateTimeField(_("début"), db_index=True)
    end = models.DateTimeField(_("fin"))
    place_name = models.CharField(_("lieu"), max_length=120)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("places (personnes)"),
        default=20,
        help_text=_("Nombre de personnes accueillies ; au-delà, liste d'attente."),
    )
    domain = models.CharField(
        _("domaine"), max_length=20, choices=Domain.choices, db_index=True
    )
    organiser = models.ForeignKey(
        Member,
        verbose_name=_("organisateur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organised_events",
        help_text=_(
            "Le membre qui voit les inscrits et confirme les présences (les "
            "modérateurs le peuvent aussi)."
        ),
    )
    attendance_points = models.PositiveSmallIntegerField(
        _("points de participation"),
        default=10,
        help_text=_(
            "Points de base d'un foyer présent, doublés par la preuve « confirmée » "
            "quand l'organisateur confirme la présence ; 0 : aucun point."
        ),
    )

    base_form_class = EventPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        english_panel("title_en", "summary_en"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        MultiFieldPanel(
            [
                FieldPanel("place_name"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Lieu"),
        ),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("domain")]),
        FieldPanel("organiser"),
        FieldPanel("attendance_points"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("place_name"),
        index.AutocompleteField("title"),
        index.FilterField("domain"),
        index.FilterField("start"),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def started(self) -> bool:
        return self.start <= timezone.now()

    def get_context(self, request, *args, **kwargs):
        from events import queries

        context = super().get_context(request, *args, **kwargs)
        context.update(queries.event_context(request, self))
        return context

    @path("")
    def detail_view(self, request):
        return self.render(request)

    @path("inscription/", name="register")
    def register_view(self, request):
        from events import views

        return views.register(request, self)

    @path("annulation/", name="cancel")
    def cancel_view(self, request):
        from events import views

        return views.cancel(request, self)

    @path("participants/", name="attendees")
    def attendees_view(self, request):
        from events import views

        return views.attendees(request, self)

    @path("participants/<int:registration_id>/presence/", name="presence")
    def presence_view(self, request, registration_id: int):
        from events import views

        return views.confirm_presence(request, self, registration_id)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Inscrit")
    WAITING = "waiting", _("En liste d'attente")
    CANCELLED = "cancelled", _("Annulé")


class Registration(models.Model):
    """A household's registration to an event: places, or the waiting list.

    One row per (event, household): a cancelled one is reused when the
    household registers again (at the end of the waiting list if full). Every
    change of status happens under a lock of the event row (events.actions).
    """

    event = models.ForeignKey(
        EventPage,
        verbose_name=_("événement"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("foyer"),
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("inscrit par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    people = models.PositiveSmallIntegerField(_("personnes"), default=1)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
        db_index=True,
    )
    # The waiting list's order: when the household (last) registered.
    queued_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("place obtenue le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(
        _("rappel envoyé le"), null=True, blank=True
    )
    attended_at = models.DateTimeField(
        _("présence confirmée le"), null=True, blank=True
    )
    attendance_confirmed_by = models.ForeignKey(
        Member,
        verbose_name=_("présence confirmée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    points_awarded = models.IntegerField(_("points gagnés"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "household"],
                name="event_one_registration_per_household",
            ),
            models.CheckConstraint(
                condition=models.Q(people__gte=1),
                name="event_registration_people_gte_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} / {self.household_id} ({self.status})"
