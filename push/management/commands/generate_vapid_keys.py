"""Print a new VAPID key pair in the form the settings take (docs/push.md)."""

from django.core.management.base import BaseCommand

from config.vapid import new_key_pair


class Command(BaseCommand):
    help = "Print a new VAPID key pair as VAPID_PUBLIC_KEY=… and VAPID_PRIVATE_KEY=…"

    def handle(self, *args, **options) -> None:
        public, private = new_key_pair()
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
