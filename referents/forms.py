"""The forms of the questions' pages (the actions check again)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.domains import Domain
from referents.actions import BODY_MAX, TITLE_MAX


class QuestionForm(forms.Form):
    domain = forms.ChoiceField(
        label=_("Domaine"),
        choices=[("", _("Choisissez un domaine")), *Domain.choices],
        help_text=_("Les référents de ce domaine sont prévenus de votre question."),
    )
    title = forms.CharField(
        label=_("Votre question"),
        max_length=TITLE_MAX,
        help_text=_("En une phrase : « Comment purger mes radiateurs ? »"),
    )
    body = forms.CharField(
        label=_("Précisions (facultatif)"),
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Votre logement, ce que vous avez déjà essayé…"),
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Votre réponse"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
