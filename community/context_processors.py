from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from community.queries import member_of, nav_permissions
from community.towns import town_for_request


def town(request: HttpRequest) -> dict:
    """The current town, the signed-in member and the navigation's permissions.

    The member is the one views get from `member_of` (looked up once per
    request); the permissions are read only by a page that shows the
    navigation, in one query.
    """
    user = getattr(request, "user", None)
    member = member_of(user) if user is not None else None
    current_town = town_for_request(request)
    return {
        "current_town": current_town,
        "current_member": member,
        "nav_perms": SimpleLazyObject(lambda: nav_permissions(user, current_town))
        if user is not None
        else {},
    }
