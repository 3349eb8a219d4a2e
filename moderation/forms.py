"""Forms of the report and appeal pages, and of the queue's actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from moderation.models import Reason


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Pourquoi signalez-vous ?"),
        choices=Reason.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Précisions (obligatoires pour « Autre »)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Pourquoi contestez-vous cette décision ?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class DecisionForm(forms.Form):
    """One form for every action of the queue; the button names the action."""

    ACTIONS = (
        "dismiss",
        "hide",
        "restore",
        "edit",
        "warn",
        "suspend",
        "ban",
    )
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    reason = forms.CharField(label=_("Motif (envoyé à l'auteur)"), max_length=1000)
    days = forms.IntegerField(
        label=_("Durée de la suspension (jours)"),
        min_value=1,
        max_value=365,
        required=False,
    )
    body = forms.CharField(
        label=_("Nouveau texte (pour « Modifier »)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AppealAnswerForm(forms.Form):
    granted = forms.ChoiceField(choices=[("1", "1"), ("0", "0")])
    answer = forms.CharField(label=_("Réponse au membre"), max_length=1000)
