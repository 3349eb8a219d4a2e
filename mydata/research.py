"""The university's research export: pseudonymised aggregates, small cells hidden.

Scope: households whose research consent is in force when the export runs
(`community.privacy.research_consenting_household_ids`); a household that
withdrew is left out of every week, past ones included.

One row per neighbourhood per ISO week. A cell is computed from a set of
households and is published only when that set holds at least
RESEARCH_MIN_HOUSEHOLDS (5) households; otherwise it is empty (null):
- `foyers_participants`, `points`: the consenting households that logged at
  least one action that week;
- `actions_<domain>`: the households that logged an action of that domain;
- `variation_mediane_<metric>_pct`: the households with readings that week and
  a baseline for that metric (median of their % change of the week's daily mean
  against their first-weeks baseline);
- `part_estimee_<metric>_pct`, `foyers_fichier_compteur` (issue 13): the
  households with readings of that metric that week (share of their daily
  values estimated from indexes), and the households with readings from a
  meter file (Linky, Gazpar) that week.

A second file, `horaires.csv`, gives hourly electricity as the mean per
household of a neighbourhood for each hour, and only for hours where at
least RESEARCH_MIN_HOUSEHOLDS consenting households have a value: an hour
under the threshold has no line at all.

Neighbourhoods appear under a pseudonym, an HMAC of their id keyed with a fixed
seed (stable from one export to the next); the map from pseudonym to name is a
separate file, never written into the export's ZIP.
"""

import csv
import hashlib
import hmac
import io
import statistics
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from community.domains import Domain
from community.models import Household, Neighbourhood
from community.privacy import research_consenting_household_ids
from mydata import conf
from scoring.models import (
    EntryKind,
    HourlyReading,
    LedgerEntry,
    MetricBaseline,
    ReadingSource,
    SensorReading,
)
from scoring.models.sensors import Metric

METRIC_COLUMNS = {
    Metric.ELECTRICITY_KWH: "variation_mediane_electricite_pct",
    Metric.GAS_KWH: "variation_mediane_gaz_pct",
    Metric.WATER_L: "variation_mediane_eau_pct",
}
ESTIMATED_COLUMNS = {
    Metric.ELECTRICITY_KWH: "part_estimee_electricite_pct",
    Metric.GAS_KWH: "part_estimee_gaz_pct",
    Metric.WATER_L: "part_estimee_eau_pct",
}
METER_FILE_SOURCES = (
    ReadingSource.ENEDIS_DAILY,
    ReadingSource.ENEDIS_LOAD_CURVE,
    ReadingSource.GAZPAR,
)
COLUMNS = [
    "quartier",
    "semaine",
    "foyers_participants",
    *[f"actions_{domain}" for domain in Domain.values],
    "points",
    *METRIC_COLUMNS.values(),
    *ESTIMATED_COLUMNS.values(),
    "foyers_fichier_compteur",
]
HOURLY_COLUMNS = ["quartier", "heure", "foyers", "moyenne_kwh"]

README = """Export de recherche — Smart Citizen
===================================

Fichier : agregats.csv (UTF-8, séparateur virgule), une ligne par quartier et par
semaine ISO (« semaine » au format AAAA-Wss, du lundi au dimanche).

Qui est compté : uniquement les foyers qui ont donné leur consentement à
l'utilisation de leurs données pour la recherche, et ne l'ont pas retiré à la
date de l'export. Aucun nom, aucune adresse, aucun e-mail, aucun identifiant de
foyer ne figure dans ce fichier.

Quartiers : désignés par un pseudonyme stable (« Q-… »). La table de
correspondance est conservée séparément par la plateforme et n'est pas jointe à
cet export.

Colonnes :
- foyers_participants : foyers consentants ayant déclaré au moins une action
  dans la semaine ;
- actions_<domaine> : nombre d'actions déclarées dans ce domaine (energy, water,
  transport, waste, local_food) ;
- points : points gagnés par ces foyers dans la semaine (actions et preuves) ;
- variation_mediane_<mesure>_pct : médiane, sur les foyers ayant des relevés
  dans la semaine, de la variation en % de leur consommation journalière
  moyenne par rapport à leur référence (moyenne de leurs 4 premières semaines) ;
- part_estimee_<mesure>_pct : part en % des valeurs journalières de la semaine
  estimées à partir de deux index relevés au compteur (le reste est mesuré) ;
- foyers_fichier_compteur : foyers dont des relevés de la semaine viennent
  d'un fichier de compteur (Linky, Gazpar).

Fichier : horaires.csv, électricité heure par heure : une ligne par quartier et
par heure (« heure » : début de l'heure, ISO 8601 avec décalage), « foyers »
consentants ayant une valeur pour cette heure, « moyenne_kwh » par foyer.
Seules les heures comptant au moins {min} foyers y figurent.

SECRET STATISTIQUE : toute case calculée sur moins de {min} foyers est
supprimée : elle est VIDE (null). Une case vide signifie donc « moins de {min}
foyers » (y compris aucun), jamais zéro.

Exporté le {generated}, semaines {first} à {last}.
"""


@dataclass
class ResearchExport:
    aggregates_csv: str
    readme: str
    pseudonym_map_csv: str
    rows: list[dict]
    hourly_csv: str = ""

    def zip_bytes(self) -> bytes:
        """The export proper: README and aggregates; never the pseudonym map."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("LISEZMOI.txt", self.readme)
            archive.writestr("agregats.csv", self.aggregates_csv)
            if self.hourly_csv:
                archive.writestr("horaires.csv", self.hourly_csv)
        return buffer.getvalue()


def pseudonym(neighbourhood_id: int) -> str:
    """A neighbourhood's stable pseudonym: HMAC-SHA256 of its id, fixed seed."""
    seed = str(conf.get("RESEARCH_PSEUDONYM_SEED")).encode()
    digest = hmac.new(seed, str(neighbourhood_id).encode(), hashlib.sha256)
    return "Q-" + digest.hexdigest()[:10].upper()


def week_bounds(weeks: int, today: date | None = None) -> tuple[date, date]:
    """Monday of the first week and the Monday after the last completed week."""
    today = today or timezone.localdate()
    end = today - timedelta(days=today.weekday())
    return end - timedelta(weeks=weeks), end


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).date()
            if timezone.is_aware(value)
            else value.date()
        )
    return value


def _suppress(value: object, households: int, minimum: int) -> object:
    return value if households >= minimum else None


def build_research_export(
    weeks: int = 12,
    today: date | None = None,
    town_ids: Iterable[int] | None = None,
) -> ResearchExport:
    """Compute the aggregates over the last `weeks` completed ISO weeks (of
    these towns only, when given)."""
    minimum = int(conf.get("RESEARCH_MIN_HOUSEHOLDS"))
    start, end = week_bounds(weeks, today)
    hoods_queryset = Neighbourhood.objects.select_related("town")
    consenting = research_consenting_household_ids()
    if town_ids is not None:
        town_ids = list(town_ids)
        hoods_queryset = hoods_queryset.filter(town__in=town_ids)
        consenting = set(
            Household.objects.filter(
                pk__in=consenting, neighbourhood__town__in=town_ids
            ).values_list("pk", flat=True)
        )
    hood_of = dict(
        Household.objects.filter(pk__in=consenting).values_list(
            "pk", "neighbourhood_id"
        )
    )
    tz = timezone.get_current_timezone()
    start_at = datetime.combine(start, time.min, tzinfo=tz)
    end_at = datetime.combine(end, time.min, tzinfo=tz)

    # (hood, week) -> accumulators
    participants: dict[tuple, set[int]] = defaultdict(set)
    # Per household, so that points count only the week's participants: a
    # proof upgrade alone does not make a household one.
    points: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    actions: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    doers: dict[tuple, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    ledger = (
        LedgerEntry.objects.filter(
            household_id__in=consenting,
            kind__in=[EntryKind.ACTION, EntryKind.PROOF],
            occurred_at__gte=start_at,
            occurred_at__lt=end_at,
        )
        .annotate(week=TruncWeek("occurred_at"))
        .values("household_id", "week", "kind", "domain")
        .annotate(n=Count("pk"), total=Sum("points"))
    )
    for row in ledger:
        key = (hood_of[row["household_id"]], _as_date(row["week"]))
        points[key][row["household_id"]] += row["total"] or 0
        if row["kind"] == EntryKind.ACTION:
            participants[key].add(row["household_id"])
            actions[key][row["domain"]] += row["n"]
            doers[key][row["domain"]].add(row["household_id"])

    baselines = {
        (row["household_id"], row["metric"]): row["daily_mean"]
        for row in MetricBaseline.objects.filter(household_id__in=consenting).values(
            "household_id", "metric", "daily_mean"
        )
    }
    changes: dict[tuple, dict[str, list[float]]] = defaultdict(
        lambda: defaultdict(list)
    )
    readings = (
        SensorReading.objects.filter(
            household_id__in=consenting, date__gte=start, date__lt=end
        )
        .annotate(week=TruncWeek("date"))
        .values("household_id", "metric", "week")
        .annotate(
            mean=Avg("value"),
            days=Count("pk"),
            estimated=Count("pk", filter=Q(estimated=True)),
            from_files=Count("pk", filter=Q(source__in=METER_FILE_SOURCES)),
        )
    )
    # (hood, week) -> metric -> [days, estimated days, households]
    estimated: dict[tuple, dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0])
    )
    file_households: dict[tuple, set[int]] = defaultdict(set)
    for row in readings:
        key = (hood_of[row["household_id"]], _as_date(row["week"]))
        counts = estimated[key][row["metric"]]
        counts[0] += row["days"]
        counts[1] += row["estimated"]
        counts[2] += 1
        if row["from_files"]:
            file_households[key].add(row["household_id"])
        baseline = baselines.get((row["household_id"], row["metric"]))
        if not baseline:
            continue
        key = (hood_of[row["household_id"]], _as_date(row["week"]))
        change = (Decimal(row["mean"]) - baseline) / baseline * 100
        changes[key][row["metric"]].append(float(change))

    hoods = list(hoods_queryset.order_by("town_id", "pk"))
    rows = []
    for hood in hoods:
        monday = start
        while monday < end:
            key = (hood.pk, monday)
            count = len(participants.get(key, ()))
            row: dict[str, object] = {
                "quartier": pseudonym(hood.pk),
                "semaine": iso_week(monday),
                "foyers_participants": _suppress(count, count, minimum),
                "points": _suppress(
                    sum(
                        total
                        for household, total in points.get(key, {}).items()
                        if household in participants.get(key, ())
                    ),
                    count,
                    minimum,
                ),
            }
            for domain in Domain.values:
                who = doers.get(key, {}).get(domain, set())
                row[f"actions_{domain}"] = _suppress(
                    actions.get(key, {}).get(domain, 0), len(who), minimum
                )
            for metric, column in METRIC_COLUMNS.items():
                values = changes.get(key, {}).get(metric, [])
                median = round(statistics.median(values), 1) if values else None
                row[column] = _suppress(median, len(values), minimum)
            for metric, column in ESTIMATED_COLUMNS.items():
                days, guessed, households = estimated.get(key, {}).get(
                    metric, [0, 0, 0]
                )
                share = round(100 * guessed / days, 1) if days else None
                row[column] = _suppress(share, households, minimum)
            files = len(file_households.get(key, ()))
            row["foyers_fichier_compteur"] = _suppress(files, files, minimum)
            rows.append(row)
            monday += timedelta(weeks=1)

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})

    hourly = io.StringIO()
    hourly_writer = csv.writer(hourly, lineterminator="\n")
    hourly_writer.writerow(HOURLY_COLUMNS)
    for row in _hourly_rows(consenting, start_at, end_at, minimum):
        hourly_writer.writerow(row)

    mapping = io.StringIO()
    map_writer = csv.writer(mapping, lineterminator="\n")
    map_writer.writerow(["pseudonyme", "commune", "quartier", "id_quartier"])
    for hood in hoods:
        map_writer.writerow([pseudonym(hood.pk), hood.town.title, hood.name, hood.pk])

    readme = README.format(
        min=minimum,
        generated=timezone.localtime().isoformat(timespec="minutes"),
        first=iso_week(start),
        last=iso_week(end - timedelta(days=1)),
    )
    return ResearchExport(
        aggregates_csv=out.getvalue(),
        readme=readme,
        pseudonym_map_csv=mapping.getvalue(),
        rows=rows,
        hourly_csv=hourly.getvalue(),
    )


def _hourly_rows(
    consenting: list[int] | set[int], start_at: datetime, end_at: datetime, minimum: int
) -> list[list]:
    """Hourly electricity per neighbourhood and hour, only from `minimum` households.

    Aggregated in the database: a year of load curves of every household is
    never loaded into memory, and an hour under the threshold never leaves it.
    """
    cells = (
        HourlyReading.objects.filter(
            household_id__in=consenting,
            metric=Metric.ELECTRICITY_KWH,
            starts_at__gte=start_at,
            starts_at__lt=end_at,
        )
        .values("household__neighbourhood_id", "starts_at")
        .annotate(households=Count("household_id", distinct=True), mean=Avg("value"))
        .filter(households__gte=minimum)
        .order_by("household__neighbourhood_id", "starts_at")
    )
    return [
        [
            pseudonym(cell["household__neighbourhood_id"]),
            timezone.localtime(cell["starts_at"]).isoformat(),
            cell["households"],
            round(float(cell["mean"]), 4),
        ]
        for cell in cells
    ]
