"""What reports registers with moderation (through `common.kinds`): a report
(`report`) and a resident's precision on one (`report_note`). Moderation hides
and restores them through reports' actions; a hidden report leaves the list,
the map and the API, and its page answers 404 to residents (staff still see
it). State changes by staff are not reportable: they are the town's word.

Called once from ReportsConfig.ready().
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common import kinds
from common.kinds import ContentKind, Shown
from community import roles
from community.models import Member
from reports import actions
from reports.models import Report, ReportUpdate, UpdateKind

REPORT = "report"
REPORT_NOTE = "report_note"


def _check_moderator(moderator: User | None, town_id: int) -> None:
    """Moderation checks its moderators already; an action called from
    anywhere else is refused to anyone but the town's moderators. None is
    moderation's automatic hide (enough trusted members reported it)."""
    if moderator is not None and not roles.is_moderator(moderator, town_id):
        raise PermissionDenied


def _load_report(pk: int) -> Report | None:
    return Report.objects.select_related("author", "category").filter(pk=pk).first()


def _show_report(report: Report) -> Shown:
    return Shown(
        town_id=report.town_id,
        author=report.author,
        neighbourhood_id=report.neighbourhood_id,
        text=report.description,
        url=reverse("reports:detail", args=[report.pk]),
        hidden=report.hidden,
        context=" — ".join(
            part for part in (report.category.name, report.address) if part
        ),
    )


def hide_report(report: Report, moderator: User | None, decision: Model | None):
    """Moderation hides a report (off the list, the map and the API)."""
    _check_moderator(moderator, report.town_id)
    actions.do_set_report_moderation(report, True)


def restore_report(report: Report, moderator: User) -> None:
    """Moderation puts a hidden report back."""
    _check_moderator(moderator, report.town_id)
    actions.do_set_report_moderation(report, False)


def _load_note(pk: int) -> ReportUpdate | None:
    return (
        ReportUpdate.objects.select_related("author", "report", "report__category")
        .filter(pk=pk)
        .first()
    )


def _show_note(update: ReportUpdate) -> Shown | None:
    """A resident's precision; the other entries of a timeline (created, a
    state change, « moi aussi ») carry no text of a resident's."""
    if update.kind != UpdateKind.NOTE:
        return None
    report = update.report
    return Shown(
        town_id=report.town_id,
        author=update.author,
        neighbourhood_id=report.neighbourhood_id,
        text=update.note,
        url=reverse("reports:detail", args=[report.pk]) + f"#update-{update.pk}",
        hidden=update.hidden,
        context=f"{report.category.name} — {report.description}",
    )


def hide_note(update: ReportUpdate, moderator: User | None, decision: Model | None):
    """Moderation hides a resident's precision (the timeline says so)."""
    _check_moderator(moderator, update.report.town_id)
    actions.do_set_update_moderation(update, True)


def restore_note(update: ReportUpdate, moderator: User) -> None:
    _check_moderator(moderator, update.report.town_id)
    actions.do_set_update_moderation(update, False)


def _note_reportable(reporter: Member, update: ReportUpdate) -> bool:
    # A precision on a hidden report is out of sight already.
    return not update.report.hidden


def register_all() -> None:
    """Called once from ReportsConfig.ready()."""
    kinds.register(
        ContentKind(
            name=REPORT,
            described=_("ce signalement"),
            label=_("Signalement dans l'espace public"),
            model=Report,
            load=_load_report,
            show=_show_report,
            hide=hide_report,
            restore=restore_report,
        )
    )
    kinds.register(
        ContentKind(
            name=REPORT_NOTE,
            described=_("cette précision"),
            label=_("Précision sur un signalement"),
            model=ReportUpdate,
            load=_load_note,
            show=_show_note,
            reportable=_note_reportable,
            hide=hide_note,
            restore=restore_note,
        )
    )
