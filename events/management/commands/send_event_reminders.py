"""Remind the households registered to tomorrow's events (docs/events.md, cron)."""

from django.core.management.base import BaseCommand

from events.actions import do_send_reminders


class Command(BaseCommand):
    help = "Rappelle aux foyers inscrits les événements de demain (une fois chacun)."

    def handle(self, *args, **options) -> None:
        reminded = do_send_reminders()
        self.stdout.write(f"{reminded} rappel(s) envoyé(s).")
