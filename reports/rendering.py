"""The HTML and data of one report for live events, from the fragments the
pages include (one copy for every viewer: no author name in it, in the site's
language; the page personalises nothing of it)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from reports.models import Report, ReportUpdate


def _render(template: str, context: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template, {**context, "live": True})


def render_card(report: Report) -> str:
    return _render("reports/includes/report_card.html", {"report": report})


def render_update(update: ReportUpdate) -> str:
    return _render(
        "reports/includes/update.html", {"update": update, "report": update.report}
    )


def event_data(report: Report, update: ReportUpdate | None = None) -> dict:
    """What a live event of a report carries: enough for the map's pin and
    the list's card, and the timeline entry when there is one."""
    data = {"report_id": report.pk, "version": report.version}
    if report.hidden:
        # A hidden report: open pages drop it; nothing of it travels.
        return data
    data.update(
        state=report.state,
        state_label=str(report.get_state_display()),
        is_open=report.is_open,
        category_id=report.category_id,
        neighbourhood_id=report.neighbourhood_id,
        latitude=report.latitude,
        longitude=report.longitude,
        html=render_card(report),
    )
    if update is not None and not update.hidden:
        data.update(update_id=update.pk, update_html=render_update(update))
    elif update is not None:
        data.update(update_id=update.pk)
    return data
