"""The parsers on files made to the real layouts (tests/meters/files.py)."""

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import Workbook

from meters.parsers import (
    GAS_KWH_PER_M3,
    MAX_FILE_BYTES,
    MeterFileError,
    parse_meter_file,
    spread_index,
)
from tests.meters import files

D = Decimal


def by_day(parsed):
    return {value.day: value for value in parsed.daily}


def error_of(data: bytes) -> MeterFileError:
    with pytest.raises(MeterFileError) as caught:
        parse_meter_file(data)
    return caught.value


# --- Enedis load curve ------------------------------------------------------------


def test_load_curve_sums_half_hours_into_days_and_utc_hours():
    parsed = parse_meter_file(files.enedis_load_curve(date(2024, 1, 15), 2, watts=1000))
    assert parsed.source == "enedis_load_curve"
    assert parsed.meter_kind == "electricity"
    assert parsed.meter_id == files.PRM
    # 48 steps × 1000 W × 0.5 h = 24 kWh a day.
    assert [(v.day, v.value, v.estimated) for v in parsed.daily] == [
        (date(2024, 1, 15), D("24.000"), False),
        (date(2024, 1, 16), D("24.000"), False),
    ]
    assert parsed.missing_days == []
    assert len(parsed.hourly) == 48
    # Local midnight in winter is 23:00 UTC the day before.
    assert parsed.hourly[0].starts_at == datetime(2024, 1, 14, 23, tzinfo=UTC)
    assert {h.value for h in parsed.hourly} == {D("1.000")}
    body = parsed.readings_body()
    assert body["daily"][0] == {
        "date": "2024-01-15",
        "metric": "electricity_kwh",
        "value": "24.000",
        "estimated": False,
    }
    assert body["hourly"][0] == {
        "starts_at": "2024-01-14T23:00:00+00:00",
        "value": "1.000",
    }


def test_spring_day_has_46_half_hours_and_autumn_day_50():
    spring = parse_meter_file(files.enedis_load_curve(date(2024, 3, 31), 1, watts=500))
    autumn = parse_meter_file(files.enedis_load_curve(date(2024, 10, 27), 1, watts=500))
    assert spring.daily[0].value == D("11.500")  # 46 × 0.25 kWh
    assert autumn.daily[0].value == D("12.500")  # 50 × 0.25 kWh
    assert len(spring.hourly) == 23
    assert len(autumn.hourly) == 25
    assert spring.missing_days == autumn.missing_days == []
    assert spring.daily[0].estimated is autumn.daily[0].estimated is False


def test_step_stamped_midnight_belongs_to_the_day_before():
    def watts(stamp):
        return 4000 if (stamp.hour, stamp.minute) == (0, 0) else 0

    parsed = parse_meter_file(files.enedis_load_curve(date(2024, 2, 1), 2, watts=watts))
    days = by_day(parsed)
    # The step 23:30–00:00 of 1 Feb is stamped 2 Feb 00:00: 4000 W × 0.5 h.
    assert days[date(2024, 2, 1)].value == D("2.000")
    assert days[date(2024, 2, 2)].value == D("2.000")
    last_hour = max(parsed.hourly, key=lambda h: h.starts_at)
    assert last_hour.starts_at == datetime(2024, 2, 2, 22, tzinfo=UTC)
    assert last_hour.value == D("2.000")


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [("utf-8", "\r\n"), ("utf-8-sig", "\r\n"), ("cp1252", "\n"), ("utf-8-sig", "\n")],
)
def test_bom_windows_1252_and_line_ends_read_alike(encoding, newline):
    parsed = parse_meter_file(
        files.enedis_load_curve(
            date(2024, 5, 1), 1, watts=700, encoding=encoding, newline=newline
        )
    )
    assert parsed.daily[0].value == D("16.800")
    assert parsed.meter_id == files.PRM


def test_windows_1252_accents_in_the_preamble_are_read():
    data = files.enedis_load_curve(date(2024, 5, 1), 1).replace(
        b"Comptage Brut", "Comptage Brut é".encode("cp1252")
    )
    assert parse_meter_file(data).daily[0].value == D("12.000")


def test_empty_values_and_missing_steps_make_days_estimated_or_missing():
    start = date(2024, 6, 3)

    def drop(stamp):
        # 4 June: two steps missing (46 of 48 left, estimated);
        # 5 June: only 10 steps left (not enough for a day's value).
        if stamp.date() == date(2024, 6, 4) and stamp.hour == 10:
            return True
        return stamp.date() == date(2024, 6, 5) and stamp.hour >= 5

    def empty(stamp):
        return stamp.date() == date(2024, 6, 5) and stamp.hour == 4

    parsed = parse_meter_file(
        files.enedis_load_curve(start, 4, watts=1000, drop=drop, empty=empty)
    )
    days = by_day(parsed)
    assert days[date(2024, 6, 3)].value == D("24.000")
    assert days[date(2024, 6, 3)].estimated is False
    # 46 steps present, extrapolated to the day's 48.
    assert days[date(2024, 6, 4)].value == D("24.000")
    assert days[date(2024, 6, 4)].estimated is True
    assert date(2024, 6, 5) not in days
    assert parsed.missing_days == [date(2024, 6, 4), date(2024, 6, 5)]
    summary = parsed.summary()
    assert summary["missing_days"] == 2
    assert summary["missing_dates"] == ["2024-06-04", "2024-06-05"]
    assert summary["estimated_days"] == 1
    # Only complete hours: the steps stamped 10:00 and 10:30 (local) ended
    # the hours 09:00 and 10:00 local, 07:00 and 08:00 UTC.
    hours = {h.starts_at for h in parsed.hourly}
    assert datetime(2024, 6, 4, 7, tzinfo=UTC) not in hours
    assert datetime(2024, 6, 4, 8, tzinfo=UTC) not in hours
    assert datetime(2024, 6, 4, 6, tzinfo=UTC) in hours
    assert datetime(2024, 6, 4, 9, tzinfo=UTC) in hours


def test_a_whole_day_absent_is_missing():
    parsed = parse_meter_file(
        files.enedis_load_curve(
            date(2024, 6, 3),
            3,
            drop=lambda s: (
                s - timedelta(minutes=30)
                >= s.replace(year=2024, month=6, day=4, hour=0, minute=0)
                and s - timedelta(minutes=30)
                < s.replace(month=6, day=5, hour=0, minute=0)
            ),
        )
    )
    assert parsed.missing_days == [date(2024, 6, 4)]
    assert [v.day for v in parsed.daily] == [date(2024, 6, 3), date(2024, 6, 5)]
    assert parsed.summary()["days"] == 2


def test_a_ten_minute_step_is_read_with_its_own_length():
    parsed = parse_meter_file(
        files.enedis_load_curve(date(2024, 1, 10), 1, watts=600, step=10)
    )
    assert parsed.daily[0].value == D("14.400")  # 144 × 600 W × 1/6 h
    assert len(parsed.hourly) == 24


# --- Enedis daily energy ------------------------------------------------------------


def test_daily_energy_in_wh_becomes_kwh_with_missing_days():
    parsed = parse_meter_file(
        files.enedis_daily(
            date(2024, 3, 29), 5, wh=lambda d: 8000 + d.day, skip=lambda d: d.day == 31
        )
    )
    assert parsed.source == "enedis_daily"
    assert parsed.first_day == date(2024, 3, 29)
    assert parsed.last_day == date(2024, 4, 2)
    assert by_day(parsed)[date(2024, 3, 30)].value == D("8.030")
    assert parsed.missing_days == [date(2024, 3, 31)]
    assert parsed.hourly == []
    assert parsed.summary()["total"] == str(
        D("8.029") + D("8.030") + D("8.001") + D("8.002")
    )


def test_daily_energy_with_an_empty_value_reports_the_day_missing():
    data = files.enedis_daily(date(2024, 3, 1), 3).replace(
        b"2024-03-02T00:00:00+01:00;9000", b"2024-03-02T00:00:00+01:00;"
    )
    assert parse_meter_file(data).missing_days == [date(2024, 3, 2)]


# --- Gazpar -------------------------------------------------------------------------


def test_gazpar_csv_and_xlsx_give_the_same_days():
    def m3(day):
        return D("2.5") if day.day == 3 else D("1.2")

    options = {"m3": m3, "skip": lambda d: d.day == 5}
    csv_file = parse_meter_file(files.gazpar_csv(date(2024, 1, 1), 7, **options))
    xlsx_file = parse_meter_file(files.gazpar_xlsx(date(2024, 1, 1), 7, **options))
    for parsed in (csv_file, xlsx_file):
        assert parsed.source == "gazpar"
        assert parsed.meter_kind == "gas"
        assert parsed.meter_id == files.PCE
        assert by_day(parsed)[date(2024, 1, 3)].value == D(
            "28.120"
        )  # 2.5 m³ × 11.25, as the file rounds it
        assert by_day(parsed)[date(2024, 1, 1)].value == D("13.500")
        assert parsed.missing_days == [date(2024, 1, 5)]
        assert parsed.summary()["unit"] == "kWh"
    assert csv_file.readings_body() == xlsx_file.readings_body()


def test_gazpar_estimated_rows_are_marked():
    data = files.gazpar_csv(date(2024, 1, 1), 3).replace(
        b"03/01/2024;02/01/2024", b"03/01/2024;02/01/2024"
    )
    data = data.replace("Mesuré\r\n".encode("cp1252"), b"Estim\xe9\r\n", 1)
    parsed = parse_meter_file(data)
    assert [v.estimated for v in parsed.daily] == [True, False, False]


def test_gazpar_without_energy_uses_volume_times_coefficient():
    text = (
        "Journée gazière;Index de début (m3);Index de fin (m3);Volume consommé (m3)\n"
        "01/02/2024;100;102;2\n"
        "02/02/2024;102;103,5;\n"
    )
    parsed = parse_meter_file(text.encode())
    assert [v.value for v in parsed.daily] == [
        (D(2) * GAS_KWH_PER_M3).quantize(D("0.001")),
        (D("1.5") * GAS_KWH_PER_M3).quantize(D("0.001")),
    ]


def test_kind_comes_from_the_content_not_a_name():
    # Both readers see bytes only; a CSV whose first line is not Enedis's
    # preamble but holds a Gazpar header is Gazpar.
    parsed = parse_meter_file(files.gazpar_csv(date(2024, 1, 1), 2, encoding="utf-8"))
    assert parsed.source == "gazpar"


# --- bad files ----------------------------------------------------------------------


def test_empty_file():
    assert "vide" in error_of(b"").text
    assert "vide" in error_of(b"\r\n \r\n").text


def test_image_and_pdf_are_refused():
    assert "image" in error_of(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100).text
    assert "PDF" in error_of(b"%PDF-1.7\n...").text


def test_random_csv_names_line_one():
    error = error_of(b"name,age\nalice,31\n")
    assert error.line == 1
    assert "format non reconnu" in error.text
    assert error.text.startswith("Ligne 1 :")


def test_huge_file_is_refused_before_reading():
    error = error_of(b"x" * (MAX_FILE_BYTES + 1))
    assert "5 Mo" in error.text


def test_bad_value_names_its_line():
    data = files.enedis_load_curve(date(2024, 1, 1), 1).replace(
        b"T03:00:00+01:00;500", b"T03:00:00+01:00;cinq cents"
    )
    error = error_of(data)
    # Preamble (2 lines), « Horodate;Valeur », then 03:00 is the 6th step.
    assert error.line == 9
    assert "cinq cents" in error.message


def test_timestamp_without_offset_is_refused_with_its_line():
    data = files.enedis_load_curve(date(2024, 1, 1), 1).replace(
        b"2024-01-01T00:30:00+01:00", b"2024-01-01T00:30:00"
    )
    error = error_of(data)
    assert error.line == 4
    assert "décalage" in error.message


def test_negative_value_and_duplicate_stamp_are_refused():
    data = files.enedis_load_curve(date(2024, 1, 1), 1).replace(
        b"T01:00:00+01:00;500", b"T01:00:00+01:00;-500"
    )
    assert error_of(data).line == 5
    lines = files.enedis_load_curve(date(2024, 1, 1), 1).split(b"\r\n")
    lines.insert(6, lines[3].replace(b";500", b";900"))
    error = error_of(b"\r\n".join(lines))
    assert error.line == 7
    assert "double" in error.message


def test_index_and_max_power_exports_are_explained():
    data = files.enedis_daily(date(2024, 1, 1), 2).replace(b";Energie;", b";Index;")
    assert "index" in error_of(data).message
    assert error_of(data).line == 2
    data = files.enedis_daily(date(2024, 1, 1), 2).replace(b";Wh;", b";VA;")
    assert "puissances maximales" in error_of(data).message


def test_enedis_preamble_without_rows_header():
    data = files.PREAMBLE.encode() + b"\r\n" + b"1;Energie;;;;;;Wh;\r\n2024-01-01;3\r\n"
    error = error_of(data)
    assert error.line == 3
    assert "Horodate" in error.message


def test_broken_xlsx_and_old_xls_are_refused():
    assert "illisible" in error_of(b"PK\x03\x04garbage").text
    assert ".xls" in error_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64).text


def test_xlsx_that_is_not_gazpar():
    book = Workbook()
    book.active.append(["Nom", "Âge"])
    book.active.append(["Alice", 31])
    out = io.BytesIO()
    book.save(out)
    assert "GRDF" in error_of(out.getvalue()).text


def test_gazpar_bad_date_names_its_line():
    data = files.gazpar_csv(date(2024, 1, 1), 3).replace(b"02/01/2024;", b"2 janv;")
    error = error_of(data)
    assert error.line == 6
    assert "2 janv" in error.message


# --- indexes -------------------------------------------------------------------------


def test_spread_index_converts_units_and_sums_exactly():
    water = spread_index(
        "water", date(2024, 1, 1), D("100.000"), date(2024, 1, 4), D("100.500")
    )
    assert [(v.day, v.metric, v.value) for v in water] == [
        (date(2024, 1, 1), "water_l", D("166.667")),
        (date(2024, 1, 2), "water_l", D("166.667")),
        (date(2024, 1, 3), "water_l", D("166.666")),
    ]
    assert all(v.estimated for v in water)
    gas = spread_index("gas", date(2024, 1, 1), D(10), date(2024, 1, 3), D(12))
    assert sum(v.value for v in gas) == D(2) * GAS_KWH_PER_M3
    assert {v.metric for v in gas} == {"gas_kwh"}
    power = spread_index("electricity", date(2024, 1, 1), D(0), date(2024, 1, 2), D(7))
    assert [(v.metric, v.value) for v in power] == [("electricity_kwh", D("7.000"))]


def test_spread_index_refuses_days_out_of_order_or_a_drop():
    with pytest.raises(ValueError):
        spread_index("water", date(2024, 1, 2), D(1), date(2024, 1, 2), D(2))
    with pytest.raises(ValueError):
        spread_index("water", date(2024, 1, 1), D(3), date(2024, 1, 2), D(2))


def test_implausible_values_are_refused_with_their_line():
    data = files.enedis_load_curve(date(2024, 1, 1), 1).replace(
        b"T01:00:00+01:00;500", b"T01:00:00+01:00;5000000"
    )
    error = error_of(data)
    assert error.line == 5
    assert "invraisemblable" in error.message
    data = files.gazpar_csv(date(2024, 1, 1), 3).replace(b";16,88;", b";99999,5;", 1)
    error = error_of(data)
    assert error.line == 5
    assert "invraisemblable" in error.message


def test_daily_energy_with_bare_dates_reads_them_as_paris_days():
    data = files.enedis_daily(date(2024, 3, 30), 3).replace(b"T00:00:00+01:00", b"")
    data = data.replace(b"T00:00:00+02:00", b"")
    assert b"2024-03-31;9000" in data
    parsed = parse_meter_file(data)
    assert [v.day for v in parsed.daily] == [
        date(2024, 3, 30),
        date(2024, 3, 31),
        date(2024, 4, 1),
    ]


def test_monthly_gazpar_rows_are_not_read_as_days():
    text = (
        "Journée gazière;Volume consommé (m3);Energie consommée (kWh)\n"
        "01/01/2024;40;450\n"
        "01/02/2024;38;430\n"
        "01/03/2024;30;340\n"
    )
    error = error_of(text.encode())
    assert "relevés mensuels" in error.message
    assert error.line == 3


def test_xlsx_claiming_a_huge_size_is_refused_unopened():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < MAX_FILE_BYTES
    assert "trop gros" in error_of(data).text


def test_utf16_tab_separated_save_of_a_gazpar_file_is_read():
    text = files.gazpar_csv(date(2024, 1, 1), 3, encoding="utf-8").decode()
    data = text.replace(";", "\t").encode("utf-16")
    parsed = parse_meter_file(data)
    assert parsed.source == "gazpar"
    assert len(parsed.daily) == 3


def test_a_message_without_a_line_starts_as_a_sentence():
    data = files.enedis_load_curve(date(2024, 1, 1), 1, drop=lambda s: s.hour > 3)
    error = error_of(data)
    assert error.line is None
    assert error.text.startswith("Aucune journée assez complète")
