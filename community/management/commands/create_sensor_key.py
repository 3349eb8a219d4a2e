from community.management.commands.create_open311_key import Command as KeyCommand
from community.models import ApiKeyPurpose


class Command(KeyCommand):
    help = (
        "Crée une clé d'API pour les capteurs d'une commune (envoi des mesures) "
        "et l'affiche : elle ne sera plus jamais affichée."
    )
    purpose = ApiKeyPurpose.SENSORS
