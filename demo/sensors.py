"""The demo town's public sensors: temperatures, car parks, street-light
segments, with three days of values (one sensor fell silent two hours ago,
to show the « Silencieux » state). Run again: nothing changes."""

import math
import random
from datetime import datetime, timedelta

from django.utils import timezone

from community.models import TownPage
from scoring import client
from townsensors.models import SensorKind, TownSensor

SEED = 20261216
DAYS = 3
# Val-de-Lys's centre when the town has no map settings of its own.
CENTRE = (50.6366, 3.0635)
# (name, kind, unit, public id, interval in minutes, offset north, east in metres)
SENSORS = [
    (
        "Température — place de la Mairie",
        SensorKind.TEMPERATURE,
        "°C",
        "vdl-temp-mairie",
        15,
        0,
        0,
    ),
    (
        "Température — parc des Tilleuls",
        SensorKind.TEMPERATURE,
        "°C",
        "vdl-temp-tilleuls",
        15,
        420,
        -380,
    ),
    (
        "Température — école du Moulin",
        SensorKind.TEMPERATURE,
        "°C",
        "vdl-temp-moulin",
        15,
        -510,
        260,
    ),
    (
        "Température — gymnase",
        SensorKind.TEMPERATURE,
        "°C",
        "vdl-temp-gymnase",
        15,
        150,
        640,
    ),
    (
        "Parking de la Gare",
        SensorKind.PARKING,
        "places",
        "vdl-parking-gare",
        10,
        -300,
        -520,
    ),
    (
        "Parking du Marché",
        SensorKind.PARKING,
        "places",
        "vdl-parking-marche",
        10,
        80,
        120,
    ),
    (
        "Parking de la Médiathèque",
        SensorKind.PARKING,
        "places",
        "vdl-parking-mediatheque",
        10,
        260,
        300,
    ),
    (
        "Parking des Tilleuls",
        SensorKind.PARKING,
        "places",
        "vdl-parking-tilleuls",
        10,
        480,
        -250,
    ),
    (
        "Éclairage — rue de la Lys",
        SensorKind.LIGHTING,
        "%",
        "vdl-eclairage-lys",
        15,
        -120,
        -160,
    ),
    (
        "Éclairage — avenue du Moulin",
        SensorKind.LIGHTING,
        "%",
        "vdl-eclairage-moulin",
        15,
        -420,
        380,
    ),
    (
        "Éclairage — chemin des Vergers",
        SensorKind.LIGHTING,
        "%",
        "vdl-eclairage-vergers",
        15,
        620,
        90,
    ),
    (
        "Éclairage — quai de la Deûle",
        SensorKind.LIGHTING,
        "%",
        "vdl-eclairage-deule",
        15,
        -60,
        720,
    ),
]
SILENT = "vdl-eclairage-deule"
CAPACITY = {"vdl-parking-gare": 180, "vdl-parking-marche": 60}
METRES_PER_DEGREE = 111_320


def _value(kind: str, public_id: str, at: datetime, rng: random.Random) -> float:
    hour = timezone.localtime(at).hour + timezone.localtime(at).minute / 60
    if kind == SensorKind.TEMPERATURE:
        # Coldest at 5 h, warmest at 15 h, a December in the north.
        daily = 3.5 * math.cos((hour - 15) / 24 * 2 * math.pi)
        return round(4 + daily + rng.uniform(-0.4, 0.4), 1)
    if kind == SensorKind.PARKING:
        capacity = CAPACITY.get(public_id, 90)
        busy = 0.85 if 8 <= hour < 18 and at.weekday() < 6 else 0.3
        return float(max(0, round(capacity * (1 - busy + rng.uniform(-0.1, 0.1)))))
    # Street lights: full in the evening, dimmed late at night, off by day.
    if 17 <= hour < 23 or 5 <= hour < 8:
        return 100.0
    if hour >= 23 or hour < 5:
        return 40.0
    return 0.0


def seed_demo_sensors(town: TownPage, now: datetime | None = None) -> int:
    """Create the sensors and their values once; answer the values stored."""
    if TownSensor.objects.filter(town=town).exists():
        return 0
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    lat0 = town.map_latitude or CENTRE[0]
    lon0 = town.map_longitude or CENTRE[1]
    metres_east = METRES_PER_DEGREE * math.cos(math.radians(lat0))
    sensors = TownSensor.objects.bulk_create(
        TownSensor(
            town=town,
            name=name,
            kind=kind,
            unit=unit,
            public_id=public_id,
            expected_interval_minutes=interval,
            latitude=round(lat0 + north / METRES_PER_DEGREE, 6),
            longitude=round(lon0 + east / metres_east, 6),
        )
        for name, kind, unit, public_id, interval, north, east in SENSORS
    )
    values = []
    for sensor in sensors:
        step = timedelta(minutes=sensor.expected_interval_minutes)
        last = now - timedelta(hours=2) if sensor.public_id == SILENT else now
        at = now - timedelta(days=DAYS)
        while at <= last:
            values.append(
                {
                    "sensor_id": sensor.public_id,
                    "observed_at": at,
                    "value": _value(sensor.kind, sensor.public_id, at, rng),
                }
            )
            at += step
    for start in range(0, len(values), client.MAX_SENSOR_ITEMS):
        client.send_town_sensor_values(
            town.pk, values[start : start + client.MAX_SENSOR_ITEMS]
        )
    return len(values)
