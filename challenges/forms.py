from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from challenges.flash_queries import flash_window
from challenges.models import ChallengePage


class LogActionForm(forms.Form):
    """ "J'ai agi": which action, which day, an optional photo as proof."""

    action_type = forms.ModelChoiceField(
        label=_("Mon action"), queryset=None, empty_label=None
    )
    occurred_on = forms.DateField(
        label=_("Le jour où je l'ai faite"),
        # type=date needs ISO dates, whatever the language of the page.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    photo = forms.FileField(
        label=_("Photo (facultative)"),
        required=False,
        help_text=_("Une photo comme preuve rapporte plus de points."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    # One key per form shown: a double submit or a retry sends the same one.
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=100,
        validators=[RegexValidator(r"^[A-Za-z0-9_.:-]{1,100}$")],
    )

    def __init__(self, *args, challenge: ChallengePage, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.flash = flash_window(challenge)
        if self.flash is not None:
            # A flash challenge counts its alert hours only: ask which one.
            self.fields["occurred_hour"] = forms.TypedChoiceField(
                label=_("L'heure où je l'ai faite"),
                coerce=int,
                choices=[
                    (
                        hour,
                        _("%(start)d h – %(end)d h") % {"start": hour, "end": hour + 1},
                    )
                    for hour in self.flash.hours
                ],
                help_text=_("Seules les heures de l'alerte comptent."),
            )
        self.fields["occurred_on"].help_text = _(
            "Aujourd'hui, ou jusqu'à %(days)d jours plus tôt."
        ) % {"days": settings.SMARTCITIZEN["ACTION_MAX_DELAY_DAYS"]}
        self.fields["action_type"].queryset = challenge.action_types.filter(
            active=True
        ).order_by("label")

    def occurred_at(self) -> datetime:
        """Now for today, else the end of the chosen day (Europe/Paris).

        The end of the day, so that "7 days earlier" is accepted at any hour:
        the limit is 7 times 24 hours before now.
        """
        day = self.cleaned_data["occurred_on"]
        hour = self.cleaned_data.get("occurred_hour")
        if hour is not None:
            start = timezone.make_aware(datetime.combine(day, time(hour)))
            now = timezone.now()
            # The current hour: now; another one: its middle.
            if start <= now < start + timedelta(hours=1):
                return now
            return start + timedelta(minutes=30)
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.combine(day, time(23, 59)))
