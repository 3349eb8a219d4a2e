from django import forms
from django.utils.translation import gettext_lazy as _

from community.domains import Domain
from events.models import MAX_PEOPLE_PER_HOUSEHOLD


class EventProposalForm(forms.Form):
    """What a member fills in to propose an event; moderators polish the rest."""

    title = forms.CharField(label=_("Titre"), max_length=120)
    summary = forms.CharField(
        label=_("En bref"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Une ou deux phrases : ce qu'on y fait, pour qui."),
    )
    domain = forms.ChoiceField(label=_("Domaine"), choices=Domain.choices)
    start = forms.DateTimeField(
        label=_("Début"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Jour et heure, par exemple 2026-05-14 18:30."),
    )
    end = forms.DateTimeField(
        label=_("Fin"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place_name = forms.CharField(label=_("Lieu"), max_length=120)
    address = forms.CharField(label=_("Adresse"), max_length=255, required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False)
    longitude = forms.FloatField(label=_("Longitude"), required=False)
    capacity = forms.IntegerField(
        label=_("Places (personnes)"), min_value=1, max_value=1000, initial=20
    )


class RegistrationForm(forms.Form):
    people = forms.IntegerField(
        label=_("Nombre de personnes de votre foyer"),
        min_value=1,
        max_value=MAX_PEOPLE_PER_HOUSEHOLD,
        initial=1,
    )
