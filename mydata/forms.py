from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from community.models import TownPage
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
    # « Commune »: for a superuser and for whoever moderates several towns;
    # the choices are the user's towns, so another town is a form error.
    town = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=TownPage.objects.none(),
        required=False,
        empty_label=_("Toutes"),
    )

    def __init__(self, *args, towns: QuerySet[TownPage], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if towns.count() > 1:
            self.fields["town"].queryset = towns
        else:
            del self.fields["town"]
