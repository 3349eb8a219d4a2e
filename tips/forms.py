from django import forms
from django.utils.translation import gettext_lazy as _

from community.domains import Domain
from tips.models import Difficulty

MAX_STEPS = 12


class TipProposalForm(forms.Form):
    """What a resident fills in to propose a tip; moderators polish the rest."""

    title = forms.CharField(label=_("Titre"), max_length=120)
    summary = forms.CharField(
        label=_("En bref"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Une ou deux phrases : le geste et ce qu'il change."),
    )
    domain = forms.ChoiceField(label=_("Domaine"), choices=Domain.choices)
    difficulty = forms.ChoiceField(label=_("Difficulté"), choices=Difficulty.choices)
    steps = forms.CharField(
        label=_("Étapes"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Une étape par ligne."),
    )
    savings_eur = forms.IntegerField(
        label=_("Économies estimées par an (€)"),
        required=False,
        min_value=0,
        max_value=100_000,
    )
    start_cost_eur = forms.IntegerField(
        label=_("Coût pour se lancer (€)"),
        required=False,
        min_value=0,
        max_value=100_000,
    )

    def clean_steps(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["steps"].splitlines()]
        steps = [line[:300] for line in lines if line]
        if len(steps) > MAX_STEPS:
            raise forms.ValidationError(
                _("Douze étapes au plus : regroupez-en quelques-unes.")
            )
        return steps
