"""Every write to the reports tables goes through here."""

import math

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.notify import send_notification, translatable_excerpt
from community.images import check_image_upload, jpeg_file, upright_rgb
from community.models import ApiKey, Member, Neighbourhood, TownPage
from config.ratelimit import count_hit
from realtime.groups import reports_stream
from realtime.publish import publish, sends_first
from reports import geo
from reports.access import can_work_reports
from reports.models import (
    ADDRESS_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    ModerationState,
    Report,
    ReportCategory,
    ReportFollow,
    ReportSource,
    ReportState,
    ReportUpdate,
    UpdateKind,
)
from reports.models.reports import CLIENT_KEY_MAX_LENGTH
from reports.rendering import event_data

PHOTO_SIZE = 1600
THUMBNAIL_SIZE = 480
NOTIFY_VERB = "report"
STATE_EXCERPT = gettext_noop("« %(category)s » : %(state)s")
NOTE_EXCERPT = gettext_noop("« %(category)s » : nouvelle précision")
CLOSED_REPORT = gettext_noop(
    "Ce signalement est clos : faites-en un nouveau si le problème est revenu."
)


def clean_text(text: object, max_length: int, field: str, *, required: bool) -> str:
    """The text as stored: trimmed, no NUL; raise when missing or too long."""
    text = (text if isinstance(text, str) else "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError({field: _("Ce champ est obligatoire.")})
    if len(text) > max_length:
        raise ValidationError(
            {
                field: _("Le texte fait %(length)d caractères ; %(max)d au plus.")
                % {"length": len(text), "max": max_length}
            }
        )
    return text


def _clean_client_key(client_key: object) -> str:
    key = (client_key if isinstance(client_key, str) else "").strip()
    if len(key) > CLIENT_KEY_MAX_LENGTH:
        raise ValidationError(_("Envoi invalide : rechargez la page et réessayez."))
    return key


def check_rate(key: str, rate_name: str) -> None:
    """Count one write against `SMARTCITIZEN[rate_name]`; raise past the limit."""
    limit, period = settings.SMARTCITIZEN[rate_name]
    count, left = count_hit(f"reports:rate:{key}", period)
    if count > limit:
        raise ValidationError(
            _(
                "Vous avez envoyé beaucoup de signalements ces derniers temps : "
                "attendez un peu (au plus %(minutes)d min). Votre texte est "
                "conservé ci-dessous."
            )
            % {"minutes": max(1, math.ceil(left / 60))},
            code="rate_limited",
        )


def _photo_files(photo: UploadedFile):
    check_image_upload(photo, settings.SMARTCITIZEN["REPORT_PHOTO_MAX_BYTES"])
    upright = upright_rgb(photo)
    large = upright.copy()
    large.thumbnail((PHOTO_SIZE, PHOTO_SIZE))
    small = upright.copy()
    small.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    return jpeg_file(large, "photo.jpg"), jpeg_file(small, "vignette.jpg")


def check_create_report(
    town: TownPage,
    *,
    category: ReportCategory | None,
    description: object,
    latitude: object = None,
    longitude: object = None,
    address: object = "",
    neighbourhood: Neighbourhood | None = None,
    author: Member | None = None,
    anonymous: bool = False,
    photo: UploadedFile | None = None,
    api_key: ApiKey | None = None,
    contact: dict | None = None,
    client_key: object = "",
) -> Report:
    """Validate and file a report; a retried send (same author and client key)
    answers the report already filed. Raises ValidationError (per field)."""
    errors: dict[str, list] = {}

    def collect(field: str, check):
        try:
            return check()
        except ValidationError as error:
            errors.setdefault(field, []).extend(
                [e for found in error.error_dict.values() for e in found]
                if hasattr(error, "error_dict")
                else error.error_list
            )
            return None

    key = _clean_client_key(client_key)
    if author is not None and key:
        existing = Report.objects.filter(author=author, client_key=key).first()
        if existing is not None:
            return existing
    if category is None or category.town_id != town.pk or not category.active:
        errors["category"] = [
            ValidationError(_("Choisissez une catégorie de la liste."), "category")
        ]
    description = collect(
        "description",
        lambda: clean_text(
            description, DESCRIPTION_MAX_LENGTH, "description", required=True
        ),
    )
    address = collect(
        "address",
        lambda: clean_text(address, ADDRESS_MAX_LENGTH, "address", required=False),
    )
    has_lat = latitude not in (None, "")
    has_lon = longitude not in (None, "")
    lat = lon = None
    if has_lat or has_lon:
        collect("position", lambda: geo.check_position(town, latitude, longitude))
        if "position" not in errors:
            lat, lon = float(latitude), float(longitude)
    elif not address and "address" not in errors:
        errors["position"] = [
            ValidationError(
                _("Placez le repère sur la carte ou écrivez l'adresse du problème."),
                "no_position",
            )
        ]
    if neighbourhood is not None and neighbourhood.town_id != town.pk:
        errors["neighbourhood"] = [
            ValidationError(_("Choisissez un quartier de la liste."), "neighbourhood")
        ]
    files = None
    if photo is not None:
        files = collect("photo", lambda: _photo_files(photo))
    if errors:
        raise ValidationError(errors)
    if author is not None:
        check_rate(f"member:{author.pk}", "REPORT_RATE")
    if neighbourhood is None and lat is not None:
        neighbourhood = geo.neighbourhood_at(town, lat, lon)
    now = timezone.now()
    report = Report(
        town=town,
        category=category,
        author=author,
        anonymous=bool(anonymous) and author is not None,
        source=ReportSource.SITE if api_key is None else ReportSource.OPEN311,
        api_key=api_key,
        contact=contact or {},
        description=description,
        address=address or "",
        latitude=lat,
        longitude=lon,
        neighbourhood=neighbourhood,
        client_key=key,
        created_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic(), sends_first():
            if files is not None:
                report.photo.save(files[0].name, files[0], save=False)
                report.thumbnail.save(files[1].name, files[1], save=False)
            report.save()
            ReportUpdate.objects.create(
                report=report,
                kind=UpdateKind.CREATED,
                author=author,
                state_to=ReportState.OPEN,
                created_at=now,
            )
            if author is not None:
                ReportFollow.objects.create(report=report, member=author)
            _publish(report, "report.created")
    except IntegrityError:
        # The same send arrived twice at once: the other one filed it.
        existing = Report.objects.filter(author=author, client_key=key).first()
        if existing is None:
            raise
        return existing
    return report


def _publish(report: Report, event: str, update: ReportUpdate | None = None) -> None:
    # The members the event is about (realtime.publish: a viewer hiding one of
    # them gets no copy): the report's author, and a resident's note's author,
    # as a comment's is for a post. A « moi aussi » is like a reaction: the
    # report's event, whoever supports it.
    members = [report.author_id]
    if update is not None and update.kind == UpdateKind.NOTE:
        members.append(update.author_id)
    publish(
        reports_stream(report.town_id),
        event,
        event_data(report, update),
        members=members,
    )


def _notify(report: Report, update: ReportUpdate, excerpt: str, args: dict) -> None:
    """Tell the report's followers (not who made the change) what changed."""
    followers = (
        ReportFollow.objects.filter(report=report, notify=True)
        .exclude(member_id=update.author_id)
        .values_list("member__user_id", flat=True)
    )
    data = {
        "kind": NOTIFY_VERB,
        "actor_name": update.staff_label or report.category.service_name,
        "url": report_url(report),
        # The fallback excerpt; only the state is a source string to translate.
        "excerpt": _(excerpt)
        % {k: _(v) if k == "state" else v for k, v in args.items()},
        **translatable_excerpt(excerpt, args, translate=("state",)),
    }
    for user_id in followers:
        if user_id is not None and user_id != update.staff_id:
            send_notification(user_id, actor=report, verb=NOTIFY_VERB, data=data)


def _source(choice: ReportState) -> str:
    """A state's label as its French source (translated again at read time)."""
    with translation.override(None):
        return str(choice.label)


def report_url(report: Report) -> str:
    return reverse("reports:detail", args=[report.pk])


# A state change: from each state, where staff may move a report. Any state
# may be reopened; a duplicate points at the report kept.
def check_change_state(
    user: User,
    report: Report,
    state: object,
    note: object,
    *,
    duplicate_of: Report | None = None,
    staff_label: str = "",
) -> ReportUpdate:
    """Staff move a report to another state, with a note shown on its timeline;
    its followers are notified and open pages update live."""
    if not can_work_reports(user, report.town_id):
        raise PermissionDenied
    if state not in ReportState.values:
        raise ValidationError({"state": _("Choisissez un état de la liste.")})
    note = clean_text(note, NOTE_MAX_LENGTH, "note", required=True)
    if state == report.state and state != ReportState.DUPLICATE:
        raise ValidationError({"state": _("Le signalement est déjà dans cet état.")})
    if state == ReportState.DUPLICATE:
        if (
            duplicate_of is None
            or duplicate_of.town_id != report.town_id
            or duplicate_of.pk == report.pk
            or duplicate_of.state == ReportState.DUPLICATE
        ):
            raise ValidationError(
                {
                    "duplicate_of": _(
                        "Indiquez le numéro du signalement conservé (de la même "
                        "commune, qui n'est pas lui-même un doublon)."
                    )
                }
            )
    else:
        duplicate_of = None
    label = staff_label or report.category.service_name
    with transaction.atomic(), sends_first():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        update = ReportUpdate.objects.create(
            report=locked,
            kind=UpdateKind.STATE,
            staff=user,
            staff_label=label[:120],
            state_from=locked.state,
            state_to=state,
            note=note,
        )
        locked.state = state
        locked.duplicate_of = duplicate_of
        locked.updated_at = update.created_at
        locked.version = F("version") + 1
        locked.save(update_fields=["state", "duplicate_of", "updated_at", "version"])
        locked.refresh_from_db(fields=["version"])
        report.__dict__.update(
            state=locked.state,
            duplicate_of_id=locked.duplicate_of_id,
            updated_at=locked.updated_at,
            version=locked.version,
        )
        _publish(report, "report.state", update)
        _notify(
            report,
            update,
            STATE_EXCERPT,
            {"category": report.category.name, "state": _source(ReportState(state))},
        )
    return update


def check_add_note(
    member: Member, report: Report, note: object, client_key: object = ""
) -> ReportUpdate:
    """A resident adds a precision to an open report (« still there, and
    bigger »); they follow it from then on."""
    if member.town_id != report.town_id or report.hidden:
        raise PermissionDenied
    key = _clean_client_key(client_key)
    if key:
        existing = ReportUpdate.objects.filter(author=member, client_key=key).first()
        if existing is not None:
            return existing
    note = clean_text(note, NOTE_MAX_LENGTH, "note", required=True)
    if not report.is_open:
        raise ValidationError({"note": _(CLOSED_REPORT)})
    check_rate(f"note:{member.pk}", "REPORT_NOTE_RATE")
    with transaction.atomic(), sends_first():
        update = ReportUpdate.objects.create(
            report=report,
            kind=UpdateKind.NOTE,
            author=member,
            note=note,
            client_key=key,
        )
        ReportFollow.objects.get_or_create(report=report, member=member)
        Report.objects.filter(pk=report.pk).update(
            updated_at=update.created_at, version=F("version") + 1
        )
        report.refresh_from_db(fields=["updated_at", "version"])
        _publish(report, "report.note", update)
        _notify(report, update, NOTE_EXCERPT, {"category": report.category.name})
    return update


def do_me_too(member: Member, report: Report) -> bool:
    """A resident saw the same problem: they support and follow the report.
    Answers False when they had already said so (nothing changes); a closed
    report takes none (ValidationError): the problem is back, file a new one."""
    if member.town_id != report.town_id or report.hidden:
        raise PermissionDenied
    if report.author_id == member.pk:
        return False
    if not report.is_open:
        raise ValidationError(_(CLOSED_REPORT))
    with transaction.atomic(), sends_first():
        follow, _created = ReportFollow.objects.select_for_update().get_or_create(
            report=report, member=member
        )
        if follow.me_too:
            return False
        follow.me_too = True
        follow.save(update_fields=["me_too"])
        Report.objects.filter(pk=report.pk).update(
            supporters_count=F("supporters_count") + 1, version=F("version") + 1
        )
        report.refresh_from_db(fields=["supporters_count", "version"])
        update = ReportUpdate.objects.create(
            report=report, kind=UpdateKind.ME_TOO, author=member
        )
        _publish(report, "report.me_too", update)
    return True


def do_follow(member: Member, report: Report, follow: bool = True) -> None:
    """Follow (or stop following) a report's changes."""
    if member.town_id != report.town_id:
        raise PermissionDenied
    if follow:
        row, created = ReportFollow.objects.get_or_create(report=report, member=member)
        if not created and not row.notify:
            row.notify = True
            row.save(update_fields=["notify"])
        return
    rows = ReportFollow.objects.filter(report=report, member=member)
    # A « moi aussi » stays counted once: its row is kept, silenced.
    rows.filter(me_too=True).update(notify=False)
    rows.filter(me_too=False).delete()


def do_set_report_moderation(report: Report, hidden: bool) -> None:
    """Moderation hides or restores a report (moderation keeps the decision)."""
    state = ModerationState.HIDDEN if hidden else ModerationState.PUBLISHED
    if report.moderation_state == state:
        return
    with transaction.atomic(), sends_first():
        report.moderation_state = state
        report.version += 1
        report.save(update_fields=["moderation_state", "version"])
        _publish(report, "report.hidden" if hidden else "report.created")


def do_set_update_moderation(update: ReportUpdate, hidden: bool) -> None:
    """Moderation hides or restores a resident's update on a report."""
    state = ModerationState.HIDDEN if hidden else ModerationState.PUBLISHED
    if update.moderation_state == state:
        return
    with transaction.atomic(), sends_first():
        update.moderation_state = state
        update.save(update_fields=["moderation_state"])
        report = update.report
        Report.objects.filter(pk=report.pk).update(version=F("version") + 1)
        report.refresh_from_db(fields=["version"])
        _publish(report, "report.note_hidden" if hidden else "report.note", update)
