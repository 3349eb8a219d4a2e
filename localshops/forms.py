"""The directory's filters, the month picker and « J'ai acheté local »."""

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from community.models import TownPage
from localshops import queries
from localshops.models import BusinessKind


class DirectoryFilterForm(forms.Form):
    """The directory's filters, from the query string (all optional)."""

    type = forms.ChoiceField(label=_("Type"), required=False)
    recompenses = forms.BooleanField(
        label=_("Accepte les récompenses du programme"), required=False
    )
    produit = forms.ModelChoiceField(
        label=_("Produit"), queryset=None, required=False, empty_label=_("Tous")
    )

    def __init__(self, town: TownPage, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("Tous")), *BusinessKind.choices]
        self.fields["produit"].queryset = queries.town_produce(town)

    def filters(self) -> dict:
        """The valid filters only: a bad value shows on its field, is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "kind": data.get("type") or "",
            "rewards": bool(data.get("recompenses")),
            "produce": data.get("produit"),
        }


class MonthForm(forms.Form):
    mois = forms.TypedChoiceField(
        label=_("Mois"),
        coerce=int,
        choices=[(month, name) for month, name in MONTHS.items()],
        required=False,
    )

    def month(self) -> int:
        """The chosen month, else the current one."""
        if self.is_valid() and self.cleaned_data.get("mois"):
            return self.cleaned_data["mois"]
        return timezone.localdate().month


class PurchaseForm(forms.Form):
    """ "J'ai acheté local": where, how much (optional), the receipt's photo."""

    business = forms.ModelChoiceField(
        label=_("Commerce ou producteur"),
        queryset=None,
        empty_label=_("— Choisissez —"),
    )
    amount = forms.DecimalField(
        label=_("Montant en euros (facultatif)"),
        required=False,
        min_value=0,
        max_value=10000,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    receipt = forms.FileField(
        label=_("Photo du ticket de caisse"),
        help_text=_(
            "JPEG, PNG, WebP ou GIF. Seuls votre foyer et les modérateurs de la "
            "commune la voient ; sa position GPS est effacée."
        ),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )
    # One key per form shown: a double submit or a retry sends the same one.
    client_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, town: TownPage, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["business"].queryset = queries.active_businesses(town)
