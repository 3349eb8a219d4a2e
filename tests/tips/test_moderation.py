"""A resident proposes a tip; moderators approve or reject it in the admin."""

from django.urls import reverse
from notifications.models import Notification
from wagtail.models import WorkflowState

from tips.models import TipPage

PROPOSAL = {
    "title": "Un rideau épais devant la porte",
    "summary": "Un rideau coupe les courants d'air l'hiver.",
    "domain": "energy",
    "difficulty": "easy",
    "steps": "Mesurer la porte\n\nPoser une tringle\nAccrocher le rideau",
    "savings_eur": "40",
    "start_cost_eur": "25",
}


def propose(client, tip_index, resident) -> TipPage:
    client.force_login(resident.user)
    form = client.get(f"{tip_index.url}proposer/")
    assert form.status_code == 200 and 'name="title"' in form.text
    response = client.post(f"{tip_index.url}proposer/", PROPOSAL)
    assert response.status_code == 302 and response.url == tip_index.url
    return TipPage.objects.get(title=PROPOSAL["title"])


def review(client, moderator, tip: TipPage, action: str, comment: str):
    client.force_login(moderator)
    state = WorkflowState.objects.get(object_id=str(tip.pk))
    task_state = state.current_task_state
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[tip.pk]))
    assert edit.status_code == 200
    return client.post(
        reverse(
            "wagtailadmin_pages:workflow_action", args=[tip.pk, action, task_state.pk]
        ),
        {"comment": comment},
    )


def test_a_proposal_is_a_draft_in_the_moderators_workflow(client, tip_index, resident):
    tip = propose(client, tip_index, resident)
    assert tip.live is False and tip.author == resident
    assert [
        list(block.value) for block in tip.get_latest_revision_as_object().body
    ] == [["Mesurer la porte", "Poser une tringle", "Accrocher le rideau"]]
    state = WorkflowState.objects.get(object_id=str(tip.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == resident.user
    # The town's own review workflow: its moderators review its tips.
    assert state.workflow.name == "Relecture · Val-Test"
    # Not visible to anyone before approval.
    assert client.get(tip.url or f"{tip_index.url}{tip.slug}/").status_code == 404
    # And the resident has no access to the admin.
    assert client.get("/admin/").status_code == 302


def test_approval_publishes_credits_and_notifies_the_author(
    client, tip_index, resident, moderator
):
    tip = propose(client, tip_index, resident)
    response = review(client, moderator, tip, "approve", "Très bonne idée")
    assert response.status_code in (200, 302)
    tip.refresh_from_db()
    assert tip.live is True
    notification = Notification.objects.get(recipient=resident.user)
    assert notification.verb == "tip_approved"
    assert notification.target == tip
    assert notification.actor == moderator
    assert "est publiée" in notification.description
    # What the feeds' notification centre shows.
    assert notification.data["url"] == tip.url
    assert notification.data["actor_name"] == "L'équipe de modération"
    client.logout()
    page = client.get(tip.url)
    assert page.status_code == 200
    assert f"Proposée par {resident.display_name}" in page.text
    assert "Poser une tringle" in page.text


def test_rejection_keeps_it_unpublished_and_tells_why(
    client, tip_index, resident, moderator
):
    tip = propose(client, tip_index, resident)
    response = review(client, moderator, tip, "reject", "Précisez le coût, merci.")
    assert response.status_code in (200, 302)
    tip.refresh_from_db()
    assert tip.live is False
    state = WorkflowState.objects.get(object_id=str(tip.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    notification = Notification.objects.get(recipient=resident.user)
    assert notification.verb == "tip_rejected"
    assert "Précisez le coût, merci." in notification.description
    assert notification.data["comment"] == "Précisez le coût, merci."
    assert notification.data["url"] == tip_index.url


def test_a_moderator_can_edit_before_approving(client, tip_index, resident, moderator):
    tip = propose(client, tip_index, resident)
    client.force_login(moderator)
    draft = tip.get_latest_revision_as_object()
    draft.summary = "Un rideau épais coupe les courants d'air en hiver."
    draft.save_revision(user=moderator)
    review(client, moderator, tip, "approve", "")
    tip.refresh_from_db()
    assert tip.live and tip.summary.startswith("Un rideau épais")
    assert tip.author == resident


def test_bad_proposals_change_nothing(client, tip_index, resident):
    client.force_login(resident.user)
    response = client.post(
        f"{tip_index.url}proposer/",
        {**PROPOSAL, "title": "", "domain": "piscine", "savings_eur": "-3"},
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert not TipPage.objects.exists()


def test_proposing_needs_an_account_of_this_town(client, tip_index):
    response = client.get(f"{tip_index.url}proposer/")
    assert response.status_code == 302 and "/compte/connexion/" in response.url
