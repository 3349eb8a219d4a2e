"""Parsing the Ecowatt signal: good files, and bad ones refused whole."""

import json

import pytest

from gridalerts.ecowatt import EcowattError, parse_signal
from tests.gridalerts.conftest import DATA, RED_HOURS


def test_the_signal_file_gives_its_days_levels_and_hours():
    days = parse_signal((DATA / "ecowatt_signal.json").read_bytes())
    assert [(d.day.isoformat(), d.dvalue) for d in days] == [
        ("2026-12-07", 1),
        ("2026-12-08", 3),
        ("2026-12-09", 2),
        ("2026-12-10", 1),
    ]
    red = days[1]
    assert red.message.startswith("Système électrique très tendu")
    assert len(red.hourly) == 24
    assert [hour for hour, level in enumerate(red.hourly) if level >= 2] == RED_HOURS
    assert red.hourly[9] == 3 and red.hourly[3] == 1


def test_the_day_is_read_in_its_own_offset():
    body = json.loads((DATA / "ecowatt_signal.json").read_text())
    body["signals"] = body["signals"][:1]
    body["signals"][0]["jour"] = "2026-07-01T00:00:00+02:00"
    (day,) = parse_signal(json.dumps(body))
    assert day.day.isoformat() == "2026-07-01"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad_json.json", "JSON illisible"),
        ("wrong_shape.json", "« signals »"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_error(name, expected):
    with pytest.raises(EcowattError) as raised:
        parse_signal((DATA / name).read_bytes())
    assert expected in str(raised.value)


def test_out_of_range_values_are_each_named():
    with pytest.raises(EcowattError) as raised:
        parse_signal((DATA / "out_of_range.json").read_bytes())
    errors = raised.value.errors
    assert any("jour 2" in e and "dvalue" in e for e in errors)
    assert any("jour 3" in e and "hvalue" in e for e in errors)
    assert len(errors) == 2


def _one_day(**changes) -> str:
    body = json.loads((DATA / "ecowatt_signal.json").read_text())
    item = body["signals"][0]
    item.update(changes)
    body["signals"] = [item]
    return json.dumps(body)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"jour": "2026-12-07"}, "fuseau"),
        ({"jour": "demain"}, "fuseau"),
        ({"dvalue": True}, "dvalue"),
        ({"dvalue": "3"}, "dvalue"),
        ({"message": 12}, "message"),
        ({"values": [{"pas": 0, "hvalue": 1}]}, "24 heures"),
        ({"values": [{"pas": 0, "hvalue": 1}] * 24}, "une seule fois"),
    ],
)
def test_each_bad_field_is_refused(changes, expected):
    with pytest.raises(EcowattError) as raised:
        parse_signal(_one_day(**changes))
    assert expected in str(raised.value)


def test_a_day_given_twice_is_refused():
    body = json.loads((DATA / "ecowatt_signal.json").read_text())
    body["signals"].append(body["signals"][0])
    with pytest.raises(EcowattError, match="deux fois"):
        parse_signal(json.dumps(body))


def test_a_file_too_big_is_refused_before_parsing():
    with pytest.raises(EcowattError, match="trop gros"):
        parse_signal(b" " * (600 * 1024))
