from django.core.management.base import BaseCommand

from ambassadors.actions import do_send_call_back_reminders, do_send_quiet_notices


class Command(BaseCommand):
    help = (
        "Notifie les ambassadeurs des rappels à faire et des foyers calmes depuis "
        "QUIET_HOUSEHOLD_DAYS jours. À lancer chaque jour."
    )

    def handle(self, *args, **options) -> None:
        call_backs = do_send_call_back_reminders()
        quiet = do_send_quiet_notices()
        self.stdout.write(
            f"{call_backs} rappel(s), {quiet} foyer(s) calme(s) signalé(s)."
        )
