"""The push part of the notification preferences page."""

from django import forms

from push.models import PushKind, PushPreference


class PushPreferencesForm(forms.ModelForm):
    class Meta:
        model = PushPreference
        fields = [*PushKind.values, "show_text"]
