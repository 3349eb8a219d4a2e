"""The sensor pages, `map_sensors`, the chart and the admin, through HTTP."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from community.models import Role
from realtime.groups import sensors_stream
from scoring import client as scoring_client
from tests.factories import make_staff, make_town
from tests.townsensors.conftest import make_sensor, send
from townsensors.charts import line_chart
from townsensors.models import TownSensor
from townsensors.queries import map_sensors

pytestmark = pytest.mark.django_db


class TestMapSensors:
    def test_values_ages_and_silence(self, town, sensor):
        fresh = make_sensor(town, "Parking", kind="parking", unit="places")
        late = make_sensor(town, "Rue Haute", kind="lighting", unit="%")
        make_sensor(town, "Hors service", active=False)
        send(town, fresh, 42, minutes_ago=5)
        send(town, late, 80, minutes_ago=40)  # expected every 15 minutes
        rows = {row["name"]: row for row in map_sensors(town)}
        assert set(rows) == {"Place du marché", "Parking", "Rue Haute"}
        assert rows["Parking"]["value"] == 42
        assert 290 <= rows["Parking"]["age_seconds"] <= 320
        assert rows["Parking"]["silent"] is False
        assert rows["Parking"]["kind_label"] == "places libres d'un parking"
        assert rows["Rue Haute"]["silent"] is True
        # Never heard of: no value, silent.
        never = rows["Place du marché"]
        assert (never["value"], never["age_seconds"], never["silent"]) == (
            None,
            None,
            True,
        )
        assert never["url"] == reverse("townsensors:detail", args=[sensor.pk])
        # A longer expected interval: the same age is not silence.
        late.expected_interval_minutes = 60
        late.save()
        assert {r["name"]: r for r in map_sensors(town)}["Rue Haute"]["silent"] is False

    def test_one_query_whatever_the_number_of_sensors(
        self, town, django_assert_num_queries
    ):
        for index in range(12):
            sensor = make_sensor(town, f"Capteur {index}")
            send(town, sensor, index)
        # The core's latest values (embedded: one query) and the registry's one.
        with django_assert_num_queries(2):
            assert len(map_sensors(town)) == 12

    def test_a_core_out_of_reach_shows_sensors_without_values(
        self, town, sensor, settings
    ):
        settings.SCORING_CORE_URL = "http://127.0.0.1:9/api/scoring/v1/"
        settings.SMARTCITIZEN = {
            **settings.SMARTCITIZEN,
            "SCORING_TIMEOUT": 0.2,
            "SCORING_RETRIES": 0,
        }
        (row,) = map_sensors(town)
        assert (row["value"], row["silent"]) == (None, False)


class TestPages:
    def test_the_list_shows_values_and_states_in_words(self, client, town, sensor):
        other = make_sensor(town, "Parking gare", kind="parking", unit="places")
        send(town, other, 120, minutes_ago=2)
        response = client.get("/capteurs/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Parking gare" in html and "120 places" in html
        assert "En service" in html and "Silencieux" in html
        # Anonymous: readable, without the live stream (members and staff only).
        assert "data-live-stream" not in html

    def test_members_get_the_live_stream(self, client, town, member):
        client.force_login(member.user)
        html = client.get(reverse("townsensors:list")).content.decode()
        assert f'data-live-stream="{sensors_stream(town.pk)}"' in html
        assert "townsensors/sensors.js" in html

    def test_list_query_count(
        self, client, town, member, django_assert_max_num_queries
    ):
        for index in range(10):
            send(town, make_sensor(town, f"Capteur {index}"), index)
        client.force_login(member.user)
        client.get("/capteurs/")  # warm the per-process caches
        with django_assert_max_num_queries(14):
            response = client.get("/capteurs/")
        assert response.content.decode().count('data-sensor-status="') == 10

    def test_detail_chart_and_table(self, client, town, sensor):
        for minutes in (300, 200, 100, 3):
            send(town, sensor, 10 + minutes / 100, minutes_ago=minutes)
        response = client.get(reverse("townsensors:detail", args=[sensor.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "<svg" in html and "<polyline" in html
        assert "Chaque mesure" in html  # raw values: few of them
        assert html.count('<tr><th scope="row">') == 4
        assert "En service" in html

    def test_detail_of_a_silent_sensor_without_values(self, client, sensor):
        html = client.get(f"/capteurs/{sensor.pk}/").content.decode()
        assert "Silencieux" in html
        assert "Aucune mesure ces 7 derniers jours." in html

    def test_other_towns_and_inactive_sensors_are_404(self, client, town, sensor):
        elsewhere = make_sensor(make_town("Ailleurs", "ailleurs.test"), "Autre")
        stopped = make_sensor(town, "Ancien", active=False)
        for pk in (elsewhere.pk, stopped.pk, 999999):
            assert client.get(f"/capteurs/{pk}/").status_code == 404


class TestChart:
    def test_lines_break_on_long_silences_and_axes_cover_negative_values(self):
        now = datetime(2026, 1, 10, 12, tzinfo=UTC)
        since = now - timedelta(days=7)
        points = [
            (now - timedelta(hours=50), -4.0),
            (now - timedelta(hours=49), -2.0),
            (now - timedelta(hours=20), 3.0),  # alone after a long gap
        ]
        chart = line_chart(points, since=since, now=now, unit="°C")
        assert len(chart.lines) == 1 and len(chart.dots) == 1
        assert chart.ticks[0].value <= -4 and chart.ticks[-1].value >= 3
        assert 0 in [tick.value for tick in chart.ticks]
        assert len(chart.labels) == 7  # one local midnight a day
        assert all(chart.left <= label.x <= chart.right for label in chart.labels)


class TestAdmin:
    URL = "/admin/snippets/townsensors/townsensor/"

    def test_service_staff_manage_their_towns_sensors_only(self, client, town, sensor):
        elsewhere = make_town("Ailleurs", "ailleurs.test")
        other = make_sensor(elsewhere, "Capteur d'ailleurs")
        client.force_login(make_staff(town, Role.SERVICE))
        listing = client.get(self.URL)
        assert listing.status_code == 200
        assert "Place du marché" in listing.content.decode()
        assert "Capteur d&#x27;ailleurs" not in listing.content.decode()
        assert client.get(f"{self.URL}edit/{other.pk}/").status_code == 404
        assert client.get(f"{self.URL}edit/{sensor.pk}/").status_code == 200

    def test_a_position_outside_the_town_is_refused(self, client, town):
        town.bounds_south, town.bounds_north = 45.0, 45.1
        town.bounds_west, town.bounds_east = 4.0, 4.1
        town.save()
        client.force_login(make_staff(town, Role.TOWN_ADMIN))
        form = {
            "town": town.pk,
            "name": "Parking nord",
            "kind": "parking",
            "unit": "places",
            "public_id": "parking-nord",
            "latitude": "46.0",
            "longitude": "4.05",
            "expected_interval_minutes": "15",
            "active": "on",
        }
        refused = client.post(f"{self.URL}add/", form)
        assert refused.status_code == 200
        assert "en dehors des limites" in refused.content.decode()
        assert not TownSensor.objects.exists()
        form["latitude"] = "45.05"
        assert client.post(f"{self.URL}add/", form).status_code == 302
        assert TownSensor.objects.get().town == town

    def test_residents_and_moderators_have_no_sensor_admin(self, client, town, member):
        client.force_login(make_staff(town, Role.MODERATOR))
        assert client.get(self.URL).status_code in (302, 403)


def test_the_client_answers_the_series_embedded(town, sensor):
    send(town, sensor, 1.5, minutes_ago=10)
    answer = scoring_client.get_town_sensors(town.pk, sensor_id=sensor.public_id)
    (row,) = answer["sensors"]
    assert row["series"]["step"] == "raw"
    assert [point["value"] for point in row["series"]["points"]] == [1.5]
