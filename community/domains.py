"""The programme's domains of action, shared with the scoring-core contract."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    ENERGY = "energy", _("Énergie")
    WATER = "water", _("Eau")
    TRANSPORT = "transport", _("Transports")
    WASTE = "waste", _("Tri des déchets")
    LOCAL_FOOD = "local_food", _("Alimentation locale")


def all_domains() -> list[str]:
    """Every domain code: the default choice of a new town."""
    return list(Domain.values)


def domain_labels(codes: list[str]) -> list[str]:
    """Labels of known domain codes, in the programme's order."""
    chosen = set(codes or [])
    return [str(label) for value, label in Domain.choices if value in chosen]


class DomainsField(models.JSONField):
    """A list of domain codes, edited as checkboxes, stored as a JSON list."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def validate(self, value, model_instance) -> None:
        super().validate(value, model_instance)
        if not isinstance(value, list) or any(
            code not in Domain.values for code in value
        ):
            raise ValidationError(_("Choisissez parmi les domaines proposés."))

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=Domain.choices,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
        )
