"""Forms of the residents' report pages; reports.actions re-checks everything.

Filing takes two steps (docs/reports.md, « Filing »): `WhereForm` (what and
where, sent by GET so that going back loses nothing), then `DetailsForm`
(the same fields hidden, plus the description, the photo and the name
choice), posted to the action.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from community.models import Neighbourhood, TownPage
from feeds.forms import ClientKeyMixin
from reports import geo, queries
from reports.models import ADDRESS_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, NOTE_MAX_LENGTH

# The step 1 fields, carried by step 2 (hidden) and by the « Modifier » link.
WHERE_FIELDS = ("category", "latitude", "longitude", "address", "neighbourhood")
NO_POSITION = _("Placez le repère sur la carte ou écrivez l'adresse du problème.")


def _coordinate(label: str) -> forms.CharField:
    # Text, not a FloatField: geo.check_position says what is wrong, in French.
    return forms.CharField(
        label=label,
        required=False,
        max_length=32,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class WhereForm(forms.Form):
    """Step 1: the category and where the problem is (a pin, an address, or
    both); the neighbourhood is optional (found from the pin when left out)."""

    category = forms.ModelChoiceField(
        label=_("Catégorie"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choisissez une catégorie de la liste.")},
    )
    latitude = _coordinate(_("Latitude"))
    longitude = _coordinate(_("Longitude"))
    address = forms.CharField(
        label=_("Adresse ou lieu"),
        required=False,
        max_length=ADDRESS_MAX_LENGTH,
        help_text=_("Par exemple « 12 rue de la Gare » ou « devant l'école »."),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Quartier (facultatif)"),
        queryset=None,
        required=False,
        empty_label=_("Je ne sais pas"),
        error_messages={"invalid_choice": _("Choisissez un quartier de la liste.")},
    )

    def __init__(self, *args, town: TownPage, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.town = town
        self.fields["category"].queryset = queries.town_categories(town)
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(
            town=town
        ).order_by("name")

    def clean(self) -> dict:
        data = super().clean()
        latitude = (data.get("latitude") or "").strip()
        longitude = (data.get("longitude") or "").strip()
        data["latitude"], data["longitude"] = latitude or None, longitude or None
        if latitude or longitude:
            try:
                geo.check_position(self.town, latitude, longitude)
            except ValidationError as error:
                self.add_error(None, error)
                data["latitude"] = data["longitude"] = None
        elif not data.get("address") and "address" not in self.errors:
            self.add_error(None, ValidationError(NO_POSITION, code="no_position"))
        return data

    @property
    def has_position(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return data.get("latitude") is not None and data.get("longitude") is not None


class DetailsForm(ClientKeyMixin, WhereForm):
    """Step 2: step 1's answers (hidden), then the description, the photo and
    whether other residents see the author's name."""

    description = forms.CharField(
        label=_("Décrivez le problème"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Ce que vous voyez, depuis quand, si c'est dangereux. %(max)d "
            "caractères au plus."
        )
        % {"max": DESCRIPTION_MAX_LENGTH},
    )
    photo = forms.FileField(
        label=_("Photo (facultatif)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text=_(
            "JPEG, PNG, WebP ou GIF. Sa position GPS et ses autres métadonnées "
            "sont effacées."
        ),
    )
    anonymous = forms.BooleanField(
        label=_("Cacher mon nom aux autres habitants"),
        required=False,
        help_text=_("Les agents de la commune le voient toujours."),
    )

    field_order = ("description", "photo", "anonymous")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in WHERE_FIELDS:
            self.fields[name].widget = forms.HiddenInput()

    def full_clean(self) -> None:
        super().full_clean()
        # Step 1's fields are hidden here: their errors go on top of the form
        # (a category withdrawn meanwhile, a forged position).
        for name in WHERE_FIELDS:
            if self._errors and name in self._errors:
                self._errors.setdefault(
                    NON_FIELD_ERRORS, self.error_class(error_class="nonfield")
                ).extend(self._errors.pop(name))


class NoteForm(ClientKeyMixin):
    note = forms.CharField(
        label=_("Votre précision"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple « toujours là ce matin, et plus grand »."),
    )
