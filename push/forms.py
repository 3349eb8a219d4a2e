"""The push part of the notification preferences page."""

from django import forms

from push.models import PushKind, PushPreference


class PushPreferencesForm(forms.ModelForm):
    # Beside feeds' preferences form on one page: its own names and ids.
    prefix = "push"

    class Meta:
        model = PushPreference
        fields = [*PushKind.values, "show_text"]
