from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassadors.actions import OUTSIDE_NEIGHBOURHOODS
from ambassadors.models.visits import VisitOutcome
from community.domains import Domain
from community.models import ConsentText, Neighbourhood
from scoring.models import ActionType


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def offer_covered(form: forms.Form, neighbourhoods) -> None:
    """Offer only the ambassador's neighbourhoods; refuse another one clearly.

    The action checks again (ambassadors.actions.check_covers).
    """
    field = form.fields["neighbourhood"]
    field.queryset = neighbourhoods
    field.error_messages["invalid_choice"] = OUTSIDE_NEIGHBOURHOODS


class VisitForm(forms.Form):
    neighbourhood = forms.ModelChoiceField(
        label=_("Quartier"),
        queryset=Neighbourhood.objects.none(),
        empty_label=None,
    )
    street = forms.CharField(
        label=_("Rue"),
        max_length=160,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    house_number = forms.CharField(
        label=_("Numéro"),
        max_length=16,
        help_text=_("Avec bis, ter ou le bâtiment s'il y a lieu."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    # A native select: one large target on a phone, one label, no JavaScript.
    outcome = forms.ChoiceField(
        label=_("Résultat de la visite"),
        choices=[("", _("— Choisissez le résultat —")), *VisitOutcome.choices],
    )
    call_back_on = forms.DateField(
        label=_("Rappeler le"),
        required=False,
        help_text=_("Obligatoire si le foyer est intéressé."),
        widget=DateInput(),
    )

    def __init__(self, *args, neighbourhoods, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offer_covered(self, neighbourhoods)


class PreRegistrationForm(forms.Form):
    neighbourhood = forms.ModelChoiceField(
        label=_("Quartier du foyer"),
        queryset=Neighbourhood.objects.none(),
        empty_label=None,
    )
    domains = forms.MultipleChoiceField(
        label=_("Où le foyer souhaite-t-il agir ?"),
        choices=Domain.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    contact = forms.CharField(
        label=_("Contact du foyer (facultatif)"),
        max_length=160,
        required=False,
        help_text=_(
            "Pour l'usage du foyer seulement : imprimé sur sa carte, jamais "
            "affiché dans vos listes, effacé après la durée de conservation."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    consent_text = forms.IntegerField(widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label=_("Le résident a lu ce texte et l'accepte au nom de son foyer."),
        error_messages={
            "required": _(
                "Sans l'accord du résident sur ce texte, le foyer ne peut pas être "
                "pré-inscrit."
            )
        },
    )

    def __init__(self, *args, neighbourhoods, domains: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offer_covered(self, neighbourhoods)
        self.fields["domains"].choices = [
            (value, label) for value, label in Domain.choices if value in domains
        ]

    def consent_text_obj(self) -> ConsentText | None:
        return ConsentText.objects.filter(pk=self.cleaned_data["consent_text"]).first()


class AssistedActionForm(forms.Form):
    action_type = forms.ModelChoiceField(
        label=_("Action faite par le foyer"),
        queryset=ActionType.objects.filter(
            active=True, fixed_points__isnull=True
        ).order_by("domain", "label"),
        empty_label=_("— Choisissez l'action —"),
    )
    occurred_on = forms.DateField(
        label=_("Jour de l'action"), widget=DateInput(), initial=timezone.localdate
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ContestForm(forms.Form):
    reason = forms.CharField(
        label=_("Qu'est-ce qui ne va pas ?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LeaveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Je retire le consentement de mon foyer et je quitte le programme."),
        error_messages={"required": _("Cochez la case pour confirmer.")},
    )
