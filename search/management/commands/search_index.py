from django.core.management.base import BaseCommand, CommandError

from search import backend, indexing


class Command(BaseCommand):
    help = (
        "Build the search index: --rebuild makes a new index from the database "
        "and swaps the alias onto it, so that search answers throughout."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="Build a new index and swap."
        )

    def handle(self, *args, rebuild: bool = False, **options) -> None:
        if not backend.is_configured():
            raise CommandError(
                "ELASTICSEARCH_URL is not set: search uses the database."
            )
        if not rebuild:
            names = backend.indices_behind_alias()
            self.stdout.write(f"{backend.alias_name()} -> {', '.join(names) or '-'}")
            return
        name, count = indexing.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"{count} documents in {name}, now behind {backend.alias_name()}"
            )
        )
