"""The household's meter data in « Mes données »: files, indexes and readings.

Uploads and indexes are the site's rows (meters). The readings belong to the
scoring core: they are asked through `scoring.client.get_readings`
(`GET households/{id}/readings`), year by year, the same way whether the core
is embedded or remote; nothing here reads the scoring tables.
"""

import itertools
from datetime import date, timedelta

from django.utils import timezone

from common.archive import iso
from community.models import Household
from meters.models import MeterIndex, MeterUpload
from scoring import client as scoring


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
                "envoye_le": iso(upload.created_at),
                "enregistre_le": iso(upload.stored_at),
            }
        )
    indexes = [
        {
            "compteur": index.meter_kind,
            "releve_le": iso(index.read_on),
            "index": iso(index.value),
            "nouveau_compteur": index.new_meter,
            "saisi_par_un_ambassadeur": index.assisted,
            "saisi_le": iso(index.created_at),
            "envoye_au_calcul_le": iso(index.sent_at),
        }
        for index in MeterIndex.objects.filter(household=household).order_by(
            "meter_kind", "read_on"
        )
    ]
    return {"fichiers": uploads, "index": indexes}


def _daily_row(item: dict) -> dict:
    return {
        "jour": item["date"],
        "mesure": item["metric"],
        "valeur": item["value"],
        "estime": item["estimated"],
        "source": item["source"],
    }


def _hour_row(item: dict) -> dict:
    return {
        "debut": item["starts_at"],
        "mesure": "electricity_kwh",
        "valeur": item["value"],
        "source": item["source"],
    }


def _start_of_history(household: Household, answer: dict) -> date | None:
    """The first day to ask: the core's `first_day`, else the household's joining."""
    if "first_day" in answer:
        return date.fromisoformat(answer["first_day"]) if answer["first_day"] else None
    joined = household.joined_at or household.created_at
    return timezone.localtime(joined).date()


def readings(household: Household) -> dict:
    """Every daily and hourly reading the scoring core keeps for the household.

    Asked through `scoring.client.get_readings`, whichever core runs, one
    span of at most a year at a time from today back to the household's first
    reading: a few queries (or requests) per year of history, whatever the
    number of readings. A core that does not answer leaves the section
    « indisponible », as for the points; a partial history is never shown as
    the whole.
    """
    span = timedelta(days=scoring.MAX_READING_SPAN_DAYS - 1)
    end = timezone.localdate()
    daily: list[dict] = []
    hourly: list[dict] = []
    first: date | None = None
    try:
        for calls in itertools.count():
            start = end - span
            answer = scoring.get_readings(household, start=start, end=end)
            daily += [_daily_row(item) for item in answer["daily"]]
            hourly += [_hour_row(item) for item in answer["hourly"]]
            if calls == 0:
                first = _start_of_history(household, answer)
            if first is None or start <= max(first, scoring.OLDEST_READING):
                break
            end = start - timedelta(days=1)
    except (scoring.ScoringError, scoring.ScoringUnavailable) as error:
        return {"indisponible": str(getattr(error, "message", error))}
    except (KeyError, TypeError, ValueError):
        # A remote core answering another shape: as unavailable as a silent one.
        return {"indisponible": scoring.unavailable_message()}
    # The archive's order, as before: by metric then day, and by hour.
    daily.sort(key=lambda row: (row["mesure"], row["jour"]))
    hourly.sort(key=lambda row: row["debut"])
    return {"par_jour": daily, "par_heure": hourly}
