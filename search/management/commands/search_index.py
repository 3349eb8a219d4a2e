from django.core.management.base import BaseCommand

from search import backend, database, indexing


class Command(BaseCommand):
    help = (
        "Build the search indexes: --rebuild remakes the database's index and, "
        "when Elasticsearch is configured, makes a new index from the database "
        "and swaps the alias onto it, so that search answers throughout."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="Build new indexes (and swap)."
        )

    def handle(self, *args, rebuild: bool = False, **options) -> None:
        if not rebuild:
            count = database.SearchEntry.objects.count()
            self.stdout.write(f"database: {count} documents")
            if backend.is_configured():
                names = backend.indices_behind_alias()
                self.stdout.write(
                    f"{backend.alias_name()} -> {', '.join(names) or '-'}"
                )
            return
        count = database.rebuild()
        self.stdout.write(self.style.SUCCESS(f"database: {count} documents"))
        if not backend.is_configured():
            self.stdout.write("ELASTICSEARCH_URL is not set: search uses the database.")
            return
        name, count = indexing.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"{count} documents in {name}, now behind {backend.alias_name()}"
            )
        )
