"""The reports' actions: filing, state changes, notes, « moi aussi »."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from notifications.models import Notification

from community.models import Role
from realtime.groups import reports_stream
from realtime.models import Event
from reports import actions
from reports.models import Report, ReportState, ReportUpdate, UpdateKind
from tests.factories import make_member, make_report, make_report_category, make_staff

pytestmark = pytest.mark.django_db


def test_filing_logs_the_timeline_follows_and_publishes(member):
    report = make_report(member, client_key="k1")
    assert report.state == ReportState.OPEN
    assert list(report.updates.values_list("kind", flat=True)) == [UpdateKind.CREATED]
    assert report.follows.filter(member=member).exists()
    event = Event.objects.get(stream=reports_stream(member.town_id))
    assert event.event == "report.created"
    assert event.data["report_id"] == report.pk
    assert "Éclairage public" in event.data["html"]
    # The same send again files nothing new.
    again = make_report(member, category=report.category, client_key="k1")
    assert again.pk == report.pk
    assert Report.objects.count() == 1


def test_a_position_outside_the_town_is_refused(member, bounded_town):
    category = make_report_category(bounded_town)
    with pytest.raises(ValidationError) as error:
        make_report(member, category, latitude=48.85, longitude=2.35)
    assert "position" in error.value.error_dict
    assert Report.objects.count() == 0
    inside = make_report(member, category, latitude=45.05, longitude=4.05)
    assert (inside.latitude, inside.longitude) == (45.05, 4.05)


def test_no_position_and_no_address_is_refused(member):
    with pytest.raises(ValidationError) as error:
        make_report(member, address="")
    assert "position" in error.value.error_dict


def test_a_category_of_another_town_is_refused(member):
    from tests.factories import make_town

    elsewhere = make_town("Ailleurs", hostname="ailleurs.test")
    with pytest.raises(ValidationError) as error:
        make_report(member, make_report_category(elsewhere))
    assert "category" in error.value.error_dict


def test_state_change_needs_staff_and_a_note_and_notifies_followers(
    member, town, neighbourhood
):
    report = make_report(member)
    other = make_member(town, neighbourhood=neighbourhood)
    assert actions.do_me_too(other, report) is True
    assert actions.do_me_too(other, report) is False
    report.refresh_from_db()
    assert report.supporters_count == 1
    with pytest.raises(PermissionDenied):
        actions.check_change_state(other.user, report, ReportState.RESOLVED, "fait")
    agent = make_staff(town, Role.SERVICE)
    with pytest.raises(ValidationError):
        actions.check_change_state(agent, report, ReportState.RESOLVED, "  ")
    update = actions.check_change_state(
        agent, report, ReportState.ACKNOWLEDGED, "Équipe prévenue."
    )
    assert (update.state_from, update.state_to) == ("open", "acknowledged")
    report.refresh_from_db()
    assert report.state == ReportState.ACKNOWLEDGED
    notified = set(
        Notification.objects.filter(verb="report").values_list(
            "recipient_id", flat=True
        )
    )
    assert notified == {member.user_id, other.user_id}


def test_duplicate_points_at_a_kept_report_of_the_same_town(member, town):
    kept = make_report(member)
    copy = make_report(member, category=kept.category)
    agent = make_staff(town, Role.SERVICE)
    with pytest.raises(ValidationError):
        actions.check_change_state(agent, copy, ReportState.DUPLICATE, "doublon")
    actions.check_change_state(
        agent, copy, ReportState.DUPLICATE, "Déjà signalé.", duplicate_of=kept
    )
    copy.refresh_from_db()
    assert copy.duplicate_of_id == kept.pk
    with pytest.raises(ValidationError):
        actions.check_change_state(
            agent, kept, ReportState.DUPLICATE, "boucle", duplicate_of=copy
        )


def test_a_note_on_a_closed_report_is_refused(member, town):
    report = make_report(member)
    actions.check_add_note(member, report, "Toujours éteint ce soir.")
    agent = make_staff(town, Role.SERVICE)
    actions.check_change_state(agent, report, ReportState.CLOSED, "Réparé.")
    report.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.check_add_note(member, report, "Encore ?")
    assert ReportUpdate.objects.filter(kind=UpdateKind.NOTE).count() == 1
