"""The research export: consenting households only, no cell under 5, no names."""

import csv
import io
import zipfile
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from community import privacy, roles
from community.models import ConsentKind, Member
from mydata.research import build_research_export, iso_week, pseudonym, week_bounds
from scoring import actions as scoring_actions
from scoring.actions import ReadingRow
from tests.factories import NeighbourhoodFactory, make_member, make_staff
from tests.mydata.conftest import make_action_type

pytestmark = pytest.mark.django_db


def act(member: Member, action_type, day, n: int = 0) -> int:
    occurred = datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())
    recorded = scoring_actions.do_log_action(
        member.household,
        action_type,
        domain=action_type.domain,
        occurred_at=occurred + timedelta(minutes=n),
        proof="declared",
        idempotency_key=f"k-{member.pk}-{action_type.pk}-{n}",
    )
    return recorded.entry.points


def consent(member: Member) -> None:
    text = privacy.current_consent_text(ConsentKind.RESEARCH)
    privacy.check_give_research_consent(member, text_id=text.pk)


@pytest.fixture
def scene(town):
    """Hood A: 7 consenting (one withdraws), 2 not; hood B: 3 consenting."""
    start, end = week_bounds(4)
    week = end - timedelta(weeks=1)  # the last completed ISO week
    hood_a = NeighbourhoodFactory(town=town, name="Les Tilleuls")
    hood_b = NeighbourhoodFactory(town=town, name="Le Moulin")
    water, energy = make_action_type("water"), make_action_type("energy")
    members = []
    for n in range(7):
        member = make_member(
            town,
            neighbourhood=hood_a,
            display_name=f"Secret{n} Dupont",
            email=f"secret{n}@example.org",
        )
        consent(member)
        act(member, water, week + timedelta(days=1))
        if n < 4:
            act(member, energy, week + timedelta(days=2))
        members.append(member)
    privacy.do_withdraw_research_consent(members[6])
    outsiders = []
    for n in range(2):
        outsider = make_member(town, neighbourhood=hood_a, display_name=f"Autre{n}")
        act(outsider, water, week + timedelta(days=1))
        act(outsider, energy, week + timedelta(days=1))
        outsiders.append(outsider)
    small = []
    for n in range(3):
        member = make_member(town, neighbourhood=hood_b, display_name=f"Petit{n}")
        consent(member)
        act(member, water, week + timedelta(days=3))
        small.append(member)
    # Electricity readings: a 4-week baseline at 10 kWh/day, then the week at
    # 9 kWh/day (-10 %) for five consenting households of hood A.
    rows = []
    first_day = week - timedelta(weeks=6)
    for member in members[:5]:
        for offset in range(28):
            rows.append(
                ReadingRow(
                    member.household_id,
                    "electricity_kwh",
                    first_day + timedelta(days=offset),
                    Decimal("10"),
                )
            )
        for offset in range(7):
            rows.append(
                ReadingRow(
                    member.household_id,
                    "electricity_kwh",
                    week + timedelta(days=offset),
                    Decimal("9"),
                )
            )
    scoring_actions.do_import_readings(rows)
    return {
        "week": week,
        "hood_a": hood_a,
        "hood_b": hood_b,
        "members": members,
        "outsiders": outsiders,
        "small": small,
        "points": {"water": water.points(), "energy": energy.points()},
    }


def row_for(export, hood, week) -> dict:
    rows = list(csv.DictReader(io.StringIO(export.aggregates_csv)))
    (row,) = [
        r
        for r in rows
        if r["quartier"] == pseudonym(hood.pk) and r["semaine"] == iso_week(week)
    ]
    return row


def test_only_consenting_households_count_and_small_cells_are_empty(scene):
    export = build_research_export(weeks=4)
    row = row_for(export, scene["hood_a"], scene["week"])
    # 7 consented, one withdrew, the 2 outsiders never did: 6.
    assert row["foyers_participants"] == "6"
    assert row["actions_water"] == "6"
    # Only 4 consenting households did an energy action: suppressed.
    assert row["actions_energy"] == ""
    assert row["points"] == str(
        6 * scene["points"]["water"] + 4 * scene["points"]["energy"]
    )
    assert row["variation_mediane_electricite_pct"] == "-10.0"
    assert row["variation_mediane_gaz_pct"] == ""

    small = row_for(export, scene["hood_b"], scene["week"])
    assert all(
        small[column] == "" for column in small if column not in ("quartier", "semaine")
    )


def test_no_cell_ever_rests_on_fewer_than_five_households(scene):
    export = build_research_export(weeks=4)
    for row in export.rows:
        count = row["foyers_participants"]
        assert count is None or count >= 5
        if count is None:
            assert row["points"] is None
            assert all(
                row[f"actions_{d}"] is None
                for d in ("energy", "water", "transport", "waste", "local_food")
            )


def test_no_name_email_or_household_id_and_no_map_in_the_zip(scene):
    export = build_research_export(weeks=4)
    archive = zipfile.ZipFile(io.BytesIO(export.zip_bytes()))
    assert sorted(archive.namelist()) == [
        "LISEZMOI.txt",
        "agregats.csv",
        "horaires.csv",
    ]
    text = "".join(archive.read(name).decode() for name in archive.namelist())
    assert "moins de 5" in archive.read("LISEZMOI.txt").decode()
    everyone = scene["members"] + scene["outsiders"] + scene["small"]
    for member in everyone:
        assert member.display_name not in text
        assert member.user.email not in text
        assert member.household.public_id not in text
    for hood in (scene["hood_a"], scene["hood_b"]):
        assert hood.name not in text
        # The map, kept apart, is what ties a pseudonym to a neighbourhood.
        assert f"{pseudonym(hood.pk)},{hood.town.title},{hood.name}" in (
            export.pseudonym_map_csv
        )
    # Fixed seed: the same neighbourhood gets the same pseudonym every time.
    assert build_research_export(weeks=4).pseudonym_map_csv == (
        export.pseudonym_map_csv
    )


def test_command_writes_the_map_to_a_separate_file(scene, tmp_path):
    out, mapping = tmp_path / "export.zip", tmp_path / "map.csv"
    call_command(
        "research_export",
        weeks=4,
        output=str(out),
        map_output=str(mapping),
        verbosity=0,
    )
    archive = zipfile.ZipFile(out)
    assert sorted(archive.namelist()) == [
        "LISEZMOI.txt",
        "agregats.csv",
        "horaires.csv",
    ]
    assert "Les Tilleuls" not in "".join(
        archive.read(n).decode() for n in archive.namelist()
    )
    assert mapping.read_text().startswith("pseudonyme,commune,quartier")
    assert "Les Tilleuls" in mapping.read_text()


def test_admin_download_is_for_moderators_only(client, scene, town):
    url = reverse("mydata_research") + "?weeks=4&telecharger=export"
    resident = scene["members"][0]
    client.force_login(resident.user)
    refused = client.get(url)
    assert refused.status_code in (302, 403)
    assert refused.get("Content-Type") != "application/zip"

    client.force_login(make_staff(town, roles.AMBASSADOR))
    assert client.get(url).status_code in (302, 403)

    client.force_login(make_staff(town, roles.MODERATOR))
    page = client.get(reverse("mydata_research"))
    assert page.status_code == 200
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert sorted(names) == ["LISEZMOI.txt", "agregats.csv", "horaires.csv"]
    mapping = client.get(
        reverse("mydata_research") + "?weeks=4&telecharger=pseudonymes"
    )
    assert mapping["Content-Type"].startswith("text/csv")
    assert "Les Tilleuls" in mapping.content.decode()


def test_estimated_days_sources_and_hours_follow_the_same_rules(scene):
    """Issue 13: estimated share, meter files, hourly means only from 5 households."""
    from scoring import client as scoring

    week = scene["week"]
    zone = timezone.get_current_timezone()
    noon = datetime.combine(week + timedelta(days=2), time(12), tzinfo=zone)
    for n, member in enumerate(scene["members"][:5] + [scene["members"][6]]):
        hours = [{"starts_at": noon.isoformat(), "value": "1.5"}]
        if n < 4:  # only four households at 13:00
            later = noon + timedelta(hours=1)
            hours.append({"starts_at": later.isoformat(), "value": "9"})
        scoring.send_readings(
            member.household,
            source="enedis_load_curve",
            idempotency_key=f"lc-{n}",
            daily=[
                {
                    "date": (week + timedelta(days=2)).isoformat(),
                    "metric": "electricity_kwh",
                    "value": "9",
                }
            ],
            hourly=hours,
        )
    # Two days of one household's gas spread from indexes (one household only).
    scoring.send_readings(
        scene["members"][0].household,
        source="index",
        idempotency_key="idx",
        daily=[
            {
                "date": (week + timedelta(days=d)).isoformat(),
                "metric": "gas_kwh",
                "value": "20",
                "estimated": True,
            }
            for d in range(2)
        ],
    )
    export = build_research_export(weeks=4)
    row = row_for(export, scene["hood_a"], scene["week"])
    assert row["part_estimee_electricite_pct"] == "0.0"
    assert row["part_estimee_gaz_pct"] == ""  # one household: suppressed
    # The withdrawn household's file does not count: 5, not 6.
    assert row["foyers_fichier_compteur"] == "5"
    lines = list(csv.DictReader(io.StringIO(export.hourly_csv)))
    assert lines == [
        {
            "quartier": pseudonym(scene["hood_a"].pk),
            "heure": noon.isoformat(),
            "foyers": "5",
            "moyenne_kwh": "1.5",
        }
    ]
    archive = zipfile.ZipFile(io.BytesIO(export.zip_bytes()))
    assert "horaires.csv" in archive.namelist()
    for member in scene["members"]:
        assert member.household.public_id not in export.hourly_csv
