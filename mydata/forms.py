from django import forms
from django.utils.translation import gettext_lazy as _

from mydata.actions.deletion import DeletionMode


class DeleteAccountForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Que deviennent vos publications, commentaires et messages ?"),
        choices=DeletionMode.choices,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("Je comprends que la suppression est définitive."), required=True
    )


class ResearchConsentForm(forms.Form):
    text_id = forms.IntegerField(widget=forms.HiddenInput)


class ResearchExportForm(forms.Form):
    weeks = forms.IntegerField(
        label=_("Nombre de semaines (ISO) jusqu'à la dernière semaine terminée"),
        min_value=1,
        max_value=104,
        initial=12,
    )
