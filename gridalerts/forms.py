"""Forms of grid alerts: a resident's opt-in, a town's settings, a manual start."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.domains import Domain
from gridalerts.models import GridAlertSettings, parse_hours


class OptInForm(forms.Form):
    wanted = forms.BooleanField(
        label=_("Me prévenir des alertes du réseau électrique et de leurs défis flash"),
        required=False,
        help_text=_(
            "Une notification (et un push si vous l'avez activé) quand un jour "
            "orange ou rouge lance un défi flash dans votre commune."
        ),
    )


class SettingsForm(forms.ModelForm):
    source_url = forms.URLField(
        label=GridAlertSettings._meta.get_field("source_url").verbose_name,
        help_text=GridAlertSettings._meta.get_field("source_url").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = GridAlertSettings
        fields = [
            "source_url",
            "flash_enabled",
            "hours_mode",
            "fixed_hours",
            "goal",
            "domain",
            "participation_points",
            "points_per_kwh",
        ]
        widgets = {"goal": forms.Textarea(attrs={"rows": 3})}


class StartFlashForm(forms.Form):
    """A moderator's flash challenge: a heat wave, a water restriction…"""

    title = forms.CharField(label=_("Titre"), max_length=200)
    day = forms.DateField(
        label=_("Jour"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    hours = forms.CharField(
        label=_("Heures"),
        max_length=100,
        initial="8-13, 17-20",
        help_text=_("Plages de début à fin, par exemple « 8-13, 17-20 »."),
    )
    goal = forms.CharField(
        label=_("Objectif"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("Motif"),
        max_length=200,
        required=False,
        help_text=_("Par exemple « Canicule » ou « Restriction d'eau »."),
    )
    domain = forms.ChoiceField(label=_("Domaine"), choices=Domain.choices)
    participation_points = forms.IntegerField(
        label=_("Points de participation"), min_value=0, max_value=1000, initial=20
    )
    points_per_kwh = forms.IntegerField(
        label=_("Points par kWh économisé"), min_value=0, max_value=1000, initial=10
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day < timezone.localdate():
            raise ValidationError(
                _("Un défi flash se lance pour aujourd'hui ou plus tard.")
            )
        return day

    def clean_hours(self) -> list[int]:
        return parse_hours(self.cleaned_data["hours"])
