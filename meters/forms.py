"""Forms of « Mes compteurs »: a meter file, a typed index, the replaced-meter answer.

They parse and check the shape of what was typed; the meaning (a file's layout,
an index lower than the last one) is checked by `meters.actions`.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meters.models import MeterKind

# A year of load curve is about 700 kB; a GRDF workbook a few dozen kB.
MAX_FILE_BYTES = 5 * 1024 * 1024

UNITS = {
    MeterKind.ELECTRICITY: "kWh",
    MeterKind.GAS: "m³",
    MeterKind.WATER: "m³",
}


def unit_for(meter_kind: str) -> str:
    """The unit an index of this meter is read in."""
    return UNITS.get(meter_kind, "")


def meter_choices() -> list[tuple[str, str]]:
    # The unit in the choice's label: without JavaScript it is the only place
    # where the resident sees it before typing.
    return [
        (value, f"{label} ({unit_for(value)})") for value, label in MeterKind.choices
    ]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MeterFileForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier de votre espace client Enedis ou GRDF"),
        help_text=_(
            "Le fichier tel que vous l'avez téléchargé (CSV ou Excel) : le type est "
            "reconnu d'après son contenu."
        ),
        error_messages={
            "required": _("Choisissez un fichier."),
            "empty": _("Ce fichier est vide."),
        },
    )
    keep_file = forms.BooleanField(
        label=_("Garder une copie du fichier"),
        required=False,
        help_text=_(
            "Sans cette case, le fichier n'est pas gardé : seules les valeurs lues "
            "sont enregistrées. La copie apparaît dans « Mes données » et part avec "
            "elles."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("Ce fichier est trop gros (plus de %(size)s Mo)."),
                params={"size": MAX_FILE_BYTES // (1024 * 1024)},
            )
        return upload


class MeterIndexForm(forms.Form):
    meter_kind = forms.ChoiceField(
        label=_("Compteur"),
        choices=meter_choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le compteur.")},
    )
    read_on = forms.DateField(
        label=_("Date du relevé"),
        widget=DateInput(),
        initial=timezone.localdate,
        error_messages={
            "required": _("Indiquez la date du relevé."),
            "invalid": _("Indiquez une date valide : jour, mois et année."),
        },
    )
    value = forms.DecimalField(
        label=_("Index relevé"),
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=3,
        localize=True,
        help_text=_(
            "Les chiffres affichés par le compteur : en kWh pour l'électricité, "
            "en m³ pour le gaz et l'eau."
        ),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": _("Indiquez l'index lu sur le compteur."),
            "invalid": _("Indiquez un nombre, par exemple 12345,678."),
        },
    )

    def clean_read_on(self):
        read_on = self.cleaned_data["read_on"]
        if read_on > timezone.localdate():
            raise ValidationError(
                _("La date du relevé ne peut pas être dans le futur.")
            )
        return read_on


class ReplacedMeterForm(forms.Form):
    """The answer to « Le compteur a-t-il été remplacé ? », the index kept hidden."""

    meter_kind = forms.ChoiceField(choices=MeterKind.choices, widget=forms.HiddenInput)
    read_on = forms.DateField(widget=forms.HiddenInput)
    value = forms.DecimalField(
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=3,
        widget=forms.HiddenInput,
    )
    new_meter = forms.TypedChoiceField(
        label=_("Le compteur a-t-il été remplacé ?"),
        choices=[("oui", _("Oui, c'est un nouveau compteur")), ("non", _("Non"))],
        coerce=lambda answer: answer == "oui",
        widget=forms.RadioSelect,
        error_messages={"required": _("Répondez par oui ou par non.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        # Shown beside the index form on the same page: ids of its own.
        kwargs.setdefault("auto_id", "question_%s")
        super().__init__(*args, **kwargs)
