"""Writes of the action catalogue by the site's own code (moderators use the admin)."""

from scoring.models import ActionType, Commitment


def ensure_action_type(
    code: str,
    *,
    label: str,
    domain: str,
    fixed_points: int | None = None,
) -> ActionType:
    """The catalogue action `code`, created (active) on first use.

    For actions the site awards itself, such as a flash challenge's measured
    saving (`fixed_points=1`: 1 point a unit, sent with a `quantity`). An
    existing action keeps its label and state, but gets back the domain and
    fixed points its code stands for and is made active again: the core
    awards active actions only. One query when nothing changes.
    """
    wanted = {"domain": domain, "fixed_points": fixed_points, "active": True}
    action, created = ActionType.objects.get_or_create(
        code=code,
        defaults={
            **wanted,
            "label": label[:160],
            "difficulty": 1,
            "commitment": Commitment.ONE_OFF,
        },
    )
    if created:
        return action
    changed = [name for name, value in wanted.items() if getattr(action, name) != value]
    if changed:
        for name in changed:
            setattr(action, name, wanted[name])
        action.save(update_fields=changed)
    return action
