"""GeoReport v2 endpoints: thin views over reports.queries and reports.actions.

Reads are public (what the town's list shows, hidden reports left out, never
who reported); a POST needs an `open311` key of the request's town. Every
refusal answers in the spec's error format, never a page of the site."""

import re
import uuid
from datetime import date, datetime, time, timedelta

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from community.apikeys import access_api_key
from community.models import ApiKeyPurpose, TownPage
from community.towns import absolute_url, sites_by_town, town_for_request
from config.ratelimit import hit, limit_message
from reports import actions, queries
from reports.models import (
    OPEN_STATES,
    ModerationState,
    Report,
    ReportCategory,
    ReportState,
    ReportUpdate,
    UpdateKind,
)
from reports.open311.formats import FORMATS, errors, respond

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this implementation last changed (discovery's `changeset`).
CHANGESET = "2026-12-06T00:00:00Z"
# The spec's default window and largest answer.
WINDOW = timedelta(days=90)
MAX_PAGE_SIZE = 1000
MAX_PAGE = 10_000
MAX_IDS = 200
# A filing is a few short fields: a larger body is refused before it is parsed.
MAX_BODY_BYTES = 64 * 1024
# Longer than any field the action takes, so that its own message says why.
MAX_PARAM_LENGTH = 5000
CONTACT_FIELDS = ("email", "first_name", "last_name", "phone")
CONTACT_MAX_LENGTH = 200
_ID = re.compile(r"^[0-9]{1,9}$")


class ApiError(Exception):
    def __init__(self, status: int, *descriptions: str, retry_after: int = 0):
        super().__init__(status, descriptions)
        self.status = status
        self.descriptions = list(descriptions)
        self.retry_after = retry_after


def endpoint(methods=("GET", "HEAD")):
    """A GeoReport view: the town of the request's site, its format checked,
    refusals as the spec's errors."""

    def decorate(view):
        def wrapped(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            if fmt not in FORMATS:
                return errors("json", 404, [_("Format inconnu : json ou xml.")])
            if request.method not in methods:
                response = errors(fmt, 405, [_("Méthode non permise.")])
                response["Allow"] = ", ".join(methods)
                return response
            town = town_for_request(request)
            if town is None:
                return errors(fmt, 404, [_("Aucune commune à cette adresse.")])
            try:
                return view(request, town, fmt, **kwargs)
            except ApiError as error:
                response = errors(fmt, error.status, error.descriptions)
                if error.retry_after:
                    response["Retry-After"] = str(error.retry_after)
                return response

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return csrf_exempt(wrapped) if "POST" in methods else wrapped

    return decorate


def _param(data, name: str) -> str:
    value = data.get(name, "")
    if "\x00" in value or len(value) > MAX_PARAM_LENGTH:
        raise ApiError(400, _("Paramètre invalide : %(name)s.") % {"name": name})
    return value.strip()


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


# Discovery and services


@endpoint()
def discovery(request: HttpRequest, town: TownPage, fmt: str) -> HttpResponse:
    """Where the town's endpoint is and what it speaks."""
    url = absolute_url(town, "/open311/v2/")
    return respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": _("La mairie de %(town)s, par son site : %(url)s")
            % {"town": town.title, "url": absolute_url(town, "/")},
            "key_service": _(
                "Les clés d'API sont remises par la mairie de %(town)s "
                "(administrateurs de la commune)."
            )
            % {"town": town.title},
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": url,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


def _service(category) -> dict:
    return {
        "service_code": category.service_code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": category.name,
        "group": category.service_name,
    }


@endpoint()
def services(request: HttpRequest, town: TownPage, fmt: str) -> HttpResponse:
    """The categories residents may report in, as services."""
    return respond(
        fmt, "services", [_service(c) for c in queries.town_categories(town)]
    )


@endpoint()
def service_definition(
    request: HttpRequest, town: TownPage, fmt: str, code: str
) -> HttpResponse:
    """A service's extra attributes: none (every service has `metadata` false)."""
    if not queries.town_categories(town).filter(service_code=code).exists():
        raise ApiError(404, _("Service inconnu : %(code)s.") % {"code": code})
    return respond(fmt, "service_definition", {"service_code": code, "attributes": []})


# Service requests


# The columns a service request shows: never `contact` nor the author, and a
# third of a report's columns (1000 rows: their building is most of the time).
SERVED_FIELDS = (
    "state",
    "duplicate_of_id",
    "description",
    "address",
    "latitude",
    "longitude",
    "photo",
    "created_at",
    "updated_at",
    "category__name",
    "category__service_code",
    "category__service_name",
)


def _with_notes(reports):
    """The reports' served columns, with their latest public note of the town's
    staff, in the same query."""
    notes = (
        ReportUpdate.objects.filter(
            report=OuterRef("pk"),
            kind=UpdateKind.STATE,
            moderation_state=ModerationState.PUBLISHED,
        )
        .exclude(note="")
        .order_by("-created_at", "-id")
        .values("note")[:1]
    )
    return reports.only(*SERVED_FIELDS).annotate(latest_note=Subquery(notes))


def _status_notes(report: Report) -> str:
    notes = str(ReportState(report.state).label)
    if report.state == ReportState.DUPLICATE and report.duplicate_of_id:
        notes = _("%(state)s du signalement n° %(id)s") % {
            "state": notes,
            "id": report.duplicate_of_id,
        }
    note = getattr(report, "latest_note", None)
    return f"{notes} — {note}" if note else notes


class MediaUrls:
    """The photos' absolute URLs: the town's Site read once per answer, and
    only when a photo needs it."""

    def __init__(self, town: TownPage) -> None:
        self.town = town
        self.site = None
        self.read = False

    def __call__(self, report: Report) -> str:
        if not report.photo:
            return ""
        if not self.read:
            self.site = sites_by_town([self.town.pk]).get(self.town.pk)
            self.read = True
        return absolute_url(self.town, report.photo.url, self.site)


def service_request(report: Report, media_url: MediaUrls) -> dict:
    """A report as the spec's service request: never who reported it."""
    return {
        "service_request_id": str(report.pk),
        "status": "open" if report.state in OPEN_STATES else "closed",
        "status_notes": _status_notes(report),
        "service_name": report.category.name,
        "service_code": report.category.service_code,
        "description": report.description,
        "agency_responsible": report.category.service_name,
        "service_notice": "",
        "requested_datetime": _iso(report.created_at),
        "updated_datetime": _iso(report.updated_at),
        "address": report.address,
        "lat": report.latitude,
        "long": report.longitude,
        "media_url": media_url(report),
    }


def _moment(text: str, name: str, *, end: bool) -> datetime | None:
    """A W3C date-time (or a plain date: its first or last instant); naive
    ones are the site's time."""
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is None:
            day: date | None = parse_date(text)
            if day is not None:
                moment = datetime.combine(day, time.max if end else time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise ApiError(
            400,
            _("%(name)s : date invalide, par exemple 2026-01-31T00:00:00Z.")
            % {"name": name},
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _window(data) -> tuple[datetime, datetime]:
    start = _moment(_param(data, "start_date"), "start_date", end=False)
    end = _moment(_param(data, "end_date"), "end_date", end=True)
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if start > end:
        raise ApiError(400, _("start_date doit précéder end_date."))
    if end - start > WINDOW:
        raise ApiError(400, _("La période demandée dépasse 90 jours."))
    return start, end


def _number(data, name: str, default: int, maximum: int) -> int:
    text = _param(data, name)
    if not text:
        return default
    if not _ID.match(text) or not 1 <= int(text) <= maximum:
        raise ApiError(
            400,
            _("%(name)s : un nombre entre 1 et %(max)d.")
            % {"name": name, "max": maximum},
        )
    return int(text)


def _comma_list(data, name: str) -> list[str]:
    return [item.strip() for item in _param(data, name).split(",") if item.strip()]


def _filtered(town: TownPage, data):
    """The reports asked for: by ids (which override every other filter, as
    the spec says), or by services, status and a window of at most 90 days."""
    reports = queries.visible_reports(town)
    ids = _comma_list(data, "service_request_id")
    if ids:
        if len(ids) > MAX_IDS or not all(_ID.match(i) for i in ids):
            raise ApiError(
                400,
                _(
                    "service_request_id : au plus %(max)d numéros séparés par des "
                    "virgules."
                )
                % {"max": MAX_IDS},
            )
        return reports.filter(pk__in=[int(i) for i in ids])
    codes = _comma_list(data, "service_code")
    if codes:
        # Retired categories too: their reports are still served.
        known = set(
            ReportCategory.objects.filter(
                town=town, service_code__in=codes
            ).values_list("service_code", flat=True)
        )
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise ApiError(
                400,
                _("Service inconnu : %(code)s.") % {"code": ", ".join(unknown)},
            )
        reports = reports.filter(category__service_code__in=codes)
    statuses = set(_comma_list(data, "status"))
    if statuses - {"open", "closed"}:
        raise ApiError(400, _("status : open ou closed."))
    if statuses == {"open"}:
        reports = reports.filter(state__in=OPEN_STATES)
    elif statuses == {"closed"}:
        reports = reports.exclude(state__in=OPEN_STATES)
    start, end = _window(data)
    return reports.filter(created_at__gte=start, created_at__lte=end)


def _list_requests(request: HttpRequest, town: TownPage, fmt: str) -> HttpResponse:
    reports = _filtered(town, request.GET)
    page = _number(request.GET, "page", 1, MAX_PAGE)
    size = _number(request.GET, "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    offset = (page - 1) * size
    # One more than the page: whether a next page exists, without a COUNT.
    rows = list(_with_notes(reports)[offset : offset + size + 1])
    media_url = MediaUrls(town)
    response = respond(
        fmt,
        "service_requests",
        [service_request(report, media_url) for report in rows[:size]],
    )
    if len(rows) > size:
        query = request.GET.copy()
        query["page"] = str(page + 1)
        query["page_size"] = str(size)
        response["Link"] = f'<{request.path}?{query.urlencode()}>; rel="next"'
    return response


def _contact(data) -> dict:
    contact = {}
    for name in CONTACT_FIELDS:
        value = _param(data, name)[:CONTACT_MAX_LENGTH]
        if value:
            contact[name] = value
    return contact


def _create_request(request: HttpRequest, town: TownPage, fmt: str) -> HttpResponse:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BODY_BYTES:
        raise ApiError(413, _("Requête trop grande."))
    try:
        data = request.POST
    except RequestDataTooBig:
        raise ApiError(413, _("Requête trop grande.")) from None
    raw_key = _param(data, "api_key") or _param(request.GET, "api_key")
    if not raw_key:
        raise ApiError(403, _("api_key manquante."))
    key = access_api_key(raw_key, ApiKeyPurpose.OPEN311)
    if key is None or key.town_id != town.pk:
        raise ApiError(403, _("api_key invalide ou révoquée."))
    retry_after = hit("api_key", str(key.pk))
    if retry_after:
        raise ApiError(429, limit_message(retry_after), retry_after=retry_after)
    code = _param(data, "service_code")
    if not code:
        raise ApiError(400, _("service_code manquant."))
    category = queries.town_categories(town).filter(service_code=code).first()
    if category is None:
        raise ApiError(400, _("Service inconnu : %(code)s.") % {"code": code})
    try:
        report = actions.check_create_report(
            town,
            category=category,
            description=_param(data, "description"),
            latitude=_param(data, "lat") or None,
            longitude=_param(data, "long") or None,
            address=_param(data, "address_string"),
            api_key=key,
            contact=_contact(data),
        )
    except ValidationError as error:
        raise ApiError(400, *_messages(error)) from None
    return respond(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": str(report.pk),
                "token": str(report.token),
                "service_notice": "",
                "account_id": None,
            }
        ],
    )


# The spec's names of the fields an action may refuse.
_FIELD_NAMES = {"position": "lat/long", "address": "address_string"}


def _messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return [str(message) for message in error.messages]
    return [
        f"{_FIELD_NAMES.get(field, field)} : {message}"
        for field, field_errors in error.message_dict.items()
        for message in field_errors
    ]


@endpoint(methods=("GET", "HEAD", "POST"))
def service_requests(request: HttpRequest, town: TownPage, fmt: str) -> HttpResponse:
    """GET: the town's reports, filtered and paged. POST: file one (a key)."""
    if request.method == "POST":
        return _create_request(request, town, fmt)
    return _list_requests(request, town, fmt)


@endpoint()
def service_request_detail(
    request: HttpRequest, town: TownPage, fmt: str, report_id: str
) -> HttpResponse:
    """One report, as a list of one (the spec's shape)."""
    report = _with_notes(queries.visible_reports(town).filter(pk=int(report_id)))
    found = report.first()
    if found is None:
        raise ApiError(404, _("Demande inconnue : %(id)s.") % {"id": report_id})
    return respond(fmt, "service_requests", [service_request(found, MediaUrls(town))])


@endpoint()
def token(request: HttpRequest, town: TownPage, fmt: str, token: str) -> HttpResponse:
    """The request a POST's token stands for."""
    try:
        value = uuid.UUID(token)
    except ValueError:
        value = None
    report_id = (
        queries.visible_reports(town)
        .filter(token=value)
        .values_list("pk", flat=True)
        .first()
        if value is not None
        else None
    )
    if report_id is None:
        raise ApiError(404, _("Jeton inconnu."))
    return respond(
        fmt,
        "service_requests",
        [{"service_request_id": str(report_id), "token": str(value)}],
    )
