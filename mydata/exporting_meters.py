"""The household's meter data in « Mes données »: files, indexes and readings.

Uploads and indexes are the site's rows (meters). The readings belong to the
scoring core: with the embedded engine they are read from its tables, as the
research export does; a remote core is asked through `scoring.client` for what
its contract serves (the daily values of the last year).
"""

from datetime import UTC, date, datetime
from decimal import Decimal

from community.models import Household
from meters.models import MeterIndex, MeterUpload
from scoring import client as scoring
from scoring.models import HourlyReading, SensorReading


def _iso(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def archive_name(upload: MeterUpload) -> str:
    """Where a kept file lands in the archive: its id and its original name."""
    original = (upload.original_name or "fichier").rsplit("/", 1)[-1]
    original = original.rsplit("\\", 1)[-1] or "fichier"
    return f"compteurs/fichiers/{upload.pk}-{original}"


def uploads_and_indexes(
    household: Household, private_files: list[tuple[str, str]]
) -> dict:
    """The files a household sent (and the copies it asked to keep), its indexes."""
    uploads = []
    for upload in MeterUpload.objects.filter(household=household).order_by(
        "created_at"
    ):
        copy = ""
        if upload.file:
            copy = archive_name(upload)
            private_files.append((copy, upload.file.name))
        uploads.append(
            {
                "id": str(upload.pk),
                "compteur": upload.meter_kind,
                "type_de_fichier": upload.source,
                "numero_du_compteur": upload.meter_id,
                "nom_du_fichier": upload.original_name,
                "etat": upload.status,
                "resume": upload.summary,
                "reponse_du_calcul": upload.result,
                "copie_gardee": copy,
                "envoye_le": _iso(upload.created_at),
                "enregistre_le": _iso(upload.stored_at),
            }
        )
    indexes = [
        {
            "compteur": index.meter_kind,
            "releve_le": _iso(index.read_on),
            "index": _iso(index.value),
            "nouveau_compteur": index.new_meter,
            "saisi_par_un_ambassadeur": index.assisted,
            "saisi_le": _iso(index.created_at),
            "envoye_au_calcul_le": _iso(index.sent_at),
        }
        for index in MeterIndex.objects.filter(household=household).order_by(
            "meter_kind", "read_on"
        )
    ]
    return {"fichiers": uploads, "index": indexes}


def readings(household: Household) -> dict:
    """Every daily and hourly reading the scoring core keeps for the household."""
    if not scoring.is_embedded():
        try:
            summary = scoring.get_sensor_summary(household, "year")
        except (scoring.ScoringError, scoring.ScoringUnavailable) as error:
            return {"indisponible": str(getattr(error, "message", error))}
        return {"resume_de_l_annee": summary}
    daily = [
        {
            "jour": _iso(day),
            "mesure": metric,
            "valeur": _iso(value),
            "estime": estimated,
            "source": source,
        }
        for day, metric, value, estimated, source in SensorReading.objects.filter(
            household=household
        )
        .order_by("metric", "date")
        .values_list("date", "metric", "value", "estimated", "source")
        .iterator(chunk_size=2000)
    ]
    hourly = [
        {"debut": _iso(starts_at), "mesure": metric, "valeur": _iso(value)}
        for starts_at, metric, value in HourlyReading.objects.filter(
            household=household
        )
        .order_by("metric", "starts_at")
        .values_list("starts_at", "metric", "value")
        .iterator(chunk_size=2000)
    ]
    return {"par_jour": daily, "par_heure": hourly}
