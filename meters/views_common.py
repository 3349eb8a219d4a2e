"""What the views of « Mes compteurs » share: who may open them, and the page."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from community.models import Household, Member
from community.queries import member_of
from community.towns import town_for_request
from meters import queries
from meters.forms import MeterFileForm, MeterIndexForm, ReplacedMeterForm, unit_for
from meters.models import MeterIndex, MeterKind


def access_member_household(request: HttpRequest) -> tuple[Member, Household]:
    """The signed-in member and their household in this town, or 404.

    As the household page: anyone else gets the same 404 as for a page that
    does not exist.
    """
    member = member_of(request.user)
    town = town_for_request(request)
    if member is None or member.household is None or town is None:
        raise Http404
    if member.town_id != town.pk:
        raise Http404
    return member, member.household


def day_words(day: date) -> str:
    """« 1er mars », « 31 mars »: the day and month, as said in French."""
    if day.day == 1:
        return pgettext("first day of a month", "1er %(month)s") % {
            "month": date_format(day, "F")
        }
    return date_format(day, "j F")


def period_words(first: date, last: date) -> str:
    """« du 1er mars au 31 mars 2026 », or with both years when they differ."""
    if first == last:
        return _("le %(day)s %(year)s") % {"day": day_words(first), "year": last.year}
    if first.year == last.year:
        start = day_words(first)
    else:
        start = f"{day_words(first)} {first.year}"
    return _("du %(first)s au %(last)s %(year)s") % {
        "first": start,
        "last": day_words(last),
        "year": last.year,
    }


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def amount(value: object, unit: str, *, exact: bool = False) -> str:
    """A quantity as a French reader writes it: « 1 234,5 kWh », « 90 kWh ».

    Totals are rounded for reading; an index (`exact`) keeps every digit typed,
    without trailing zeros.
    """
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    if not number.is_finite():
        return ""
    if not exact:
        places = 0 if abs(number) >= 100 else (1 if abs(number) >= 10 else 2)
        number = round(number, places)
    if number == number.to_integral_value():
        places = 0
    else:
        places = max(0, -number.normalize().as_tuple().exponent)
    text = number_format(number, decimal_pos=places, force_grouping=True)
    return f"{text} {unit}".strip()


def summary_view(summary: dict) -> dict:
    """The summary an action stored, with the words the page shows."""
    first = _day(summary.get("first_day"))
    last = _day(summary.get("last_day"))
    view = dict(summary)
    view["first"] = first
    view["last"] = last
    view["period"] = period_words(first, last) if first and last else ""
    view["total_text"] = amount(summary.get("total", ""), summary.get("unit", ""))
    view["missing_dates_parsed"] = [
        day
        for day in (_day(value) for value in summary.get("missing_dates", []))
        if day is not None
    ]
    return view


def render_home(
    request: HttpRequest,
    member: Member,
    household: Household,
    *,
    file_form: MeterFileForm | None = None,
    index_form: MeterIndexForm | None = None,
    replaced_form: ReplacedMeterForm | None = None,
    question: str = "",
    status: int = 200,
) -> HttpResponse:
    """« Mes compteurs » with the given forms (bound ones keep what was typed)."""
    overview = queries.meter_overview(household)
    indexes = overview.get("indexes", [])
    _name_authors([*overview.get("last_index", {}).values(), *indexes])
    return render(
        request,
        "meters/home.html",
        {
            "household": household,
            "meters": meter_rows(overview),
            "uploads": [
                (upload, summary_view(upload.summary))
                for upload in overview.get("uploads", [])
            ],
            "file_form": file_form or MeterFileForm(),
            "index_form": index_form or MeterIndexForm(),
            "replaced_form": replaced_form,
            "question": question,
            "queued": overview.get("queued", 0),
            "indexes": [
                (index, amount(index.value, unit_for(index.meter_kind), exact=True))
                for index in indexes
            ],
        },
        status=status,
    )


def _name_authors(indexes: list[MeterIndex]) -> None:
    """Who typed each assisted index, by display name, in one query for all."""
    users = {index.entered_by_id for index in indexes if index.assisted}
    names = dict(
        Member.objects.filter(user_id__in=users).values_list("user_id", "display_name")
        if users
        else []
    )
    for index in indexes:
        index.author_name = names.get(index.entered_by_id, "")


def meter_rows(overview: dict) -> list[dict]:
    """Per meter kind: its unit, its last index and its last file."""
    indexes = overview.get("last_index", {})
    files = overview.get("last_upload", {})
    rows = []
    for kind, label in MeterKind.choices:
        upload = files.get(kind)
        rows.append(
            {
                "kind": kind,
                "label": label,
                "unit": unit_for(kind),
                "index": indexes.get(kind),
                "index_text": amount(indexes[kind].value, unit_for(kind), exact=True)
                if kind in indexes
                else "",
                "upload": upload,
                "upload_summary": summary_view(upload.summary) if upload else None,
            }
        )
    return rows
