"""The `reports:<town id>` stream over the real websocket: a member who was
away gets the reports filed and the state changes they missed, in order, from
the event log (`since`), then live ones; another town's member is refused."""

import pytest
from channels.db import database_sync_to_async

from community.models import Role
from realtime.groups import reports_stream
from realtime.queries import latest_event_id
from reports import actions
from reports.models import ReportState
from tests.factories import make_report, make_report_category, make_staff
from tests.realtime.conftest import (
    connected,
    handled,
    make_member,
    make_neighbourhood,
    make_town,
    realtime_db,
    receive,
    send_subscribe,
    subscribe,
)

pytestmark = [pytest.mark.asyncio, realtime_db]


@pytest.fixture
def town():
    return make_town("Val-Signalements", default_site=True)


@pytest.fixture
def member(town):
    return make_member(town, make_neighbourhood(town, "Centre"))


def _file_and_work(member) -> tuple[int, int]:
    """A report filed, then taken in charge by the town's service."""
    report = make_report(member, make_report_category(member.town))
    agent = make_staff(member.town, Role.SERVICE)
    update = actions.check_change_state(
        agent, report, ReportState.ACKNOWLEDGED, "Équipe prévenue."
    )
    return report.pk, update.pk


async def test_missed_reports_and_state_changes_come_back_in_order(member):
    stream = reports_stream(member.town_id)
    since = await database_sync_to_async(latest_event_id)(stream)
    # Away: the page was loaded, the socket is not open.
    report_id, update_id = await database_sync_to_async(_file_and_work)(member)

    socket = await connected(member.user)
    await send_subscribe(socket, stream, since=since)
    created, state = await receive(socket), await receive(socket)
    assert (created["stream"], created["event"]) == (stream, "report.created")
    assert created["data"]["report_id"] == report_id
    assert "Équipe prévenue." not in created["data"]["html"]
    assert state["event"] == "report.state" and state["id"] > created["id"]
    assert state["data"]["state"] == ReportState.ACKNOWLEDGED
    assert state["data"]["update_id"] == update_id
    assert "Équipe prévenue." in state["data"]["update_html"]
    await handled(socket)
    assert await socket.receive_nothing(0.3)

    # Live from then on: a resident's precision arrives once.
    def add_note():
        from reports.models import Report

        report = Report.objects.get(pk=report_id)
        return actions.check_add_note(member, report, "Toujours éteint.", "n-1").pk

    note_id = await database_sync_to_async(add_note)()
    live = await receive(socket)
    assert live["event"] == "report.note" and live["data"]["update_id"] == note_id
    assert live["id"] > state["id"]
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


async def test_another_towns_member_may_not_subscribe(member):
    elsewhere = await database_sync_to_async(make_town)("Ailleurs", default_site=False)
    stranger = await database_sync_to_async(make_member)(
        elsewhere, await database_sync_to_async(make_neighbourhood)(elsewhere, "Gare")
    )
    stream = reports_stream(member.town_id)
    socket = await connected(stranger.user)
    await send_subscribe(socket, stream, since=0)
    answer = await receive(socket)
    assert answer["op"] == "error" and answer["code"] == "forbidden"
    await database_sync_to_async(_file_and_work)(member)
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()
    # The town's own member reads it.
    socket = await connected(member.user)
    await subscribe(socket, stream)
    await socket.disconnect()
