from django.http import HttpRequest

from community.towns import town_for_request


def town(request: HttpRequest) -> dict:
    """The current town and the signed-in member, for every template."""
    user = getattr(request, "user", None)
    member = getattr(user, "member", None) if user and user.is_authenticated else None
    return {"current_town": town_for_request(request), "current_member": member}
