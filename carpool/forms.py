"""Forms of car-pooling: they parse; carpool.actions decides. There is no
address field anywhere: a neighbourhood and a meeting point are enough."""

from django import forms
from django.utils.translation import gettext_lazy as _

from carpool.models import LABEL_MAX_LENGTH, MAX_SEATS, WEEKDAYS, TripKind
from community.models import Neighbourhood

NO_ADDRESS = _("Ne donnez pas votre adresse : un point de rendez-vous suffit.")

# Coordinates as the pin picker writes them (pin.js: 6 decimals).
COORDINATE = {"step": "any", "inputmode": "decimal"}


class TripForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Vous…"), choices=TripKind.choices, widget=forms.RadioSelect
    )
    seats = forms.IntegerField(
        label=_("Nombre de places"),
        min_value=1,
        max_value=MAX_SEATS,
        help_text=_("Places libres dans la voiture, ou places que vous cherchez."),
    )
    from_neighbourhood = forms.ModelChoiceField(
        label=_("Quartier de départ"), queryset=Neighbourhood.objects.none()
    )
    from_label = forms.CharField(
        label=_("Point de rendez-vous au départ"),
        max_length=LABEL_MAX_LENGTH,
        help_text=NO_ADDRESS,
    )
    from_latitude = forms.FloatField(
        label=_("Latitude du départ"), widget=forms.NumberInput(attrs=COORDINATE)
    )
    from_longitude = forms.FloatField(
        label=_("Longitude du départ"), widget=forms.NumberInput(attrs=COORDINATE)
    )
    to_neighbourhood = forms.ModelChoiceField(
        label=_("Quartier d'arrivée"), queryset=Neighbourhood.objects.none()
    )
    to_label = forms.CharField(
        label=_("Point de rendez-vous à l'arrivée"),
        max_length=LABEL_MAX_LENGTH,
        help_text=NO_ADDRESS,
    )
    to_latitude = forms.FloatField(
        label=_("Latitude de l'arrivée"), widget=forms.NumberInput(attrs=COORDINATE)
    )
    to_longitude = forms.FloatField(
        label=_("Longitude de l'arrivée"), widget=forms.NumberInput(attrs=COORDINATE)
    )
    regular = forms.TypedChoiceField(
        label=_("Quand ?"),
        choices=[("0", _("Une seule fois")), ("1", _("Chaque semaine"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    date = forms.DateField(
        label=_("Date (trajet unique)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Jours (trajet régulier)"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    time = forms.TimeField(
        label=_("Heure de départ"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Les trajets à 30 minutes près vous sont proposés."),
    )

    def __init__(self, *args, town=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        neighbourhoods = Neighbourhood.objects.filter(town=town).order_by("name")
        self.fields["from_neighbourhood"].queryset = neighbourhoods
        self.fields["to_neighbourhood"].queryset = neighbourhoods


class RideForm(forms.Form):
    date = forms.DateField(
        label=_("Nous avons fait ce trajet le"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class FilterForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[
            ("", _("Offres et demandes")),
            ("offre", _("Offres (places proposées)")),
            ("demande", _("Demandes (places cherchées)")),
        ],
    )
    quartier = forms.ModelChoiceField(
        label=_("Quartier"),
        required=False,
        queryset=Neighbourhood.objects.none(),
        empty_label=_("Tous les quartiers"),
    )

    KINDS = {"offre": TripKind.OFFER, "demande": TripKind.REQUEST}

    def __init__(self, *args, town=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quartier"].queryset = Neighbourhood.objects.filter(
            town=town
        ).order_by("name")
