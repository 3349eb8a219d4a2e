"""What the apps' views share: the signed-in member of this town, an action's
errors on a form, redirects back to the page a form came from."""

import unicodedata

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

# The decorator lives with the towns (push, below common, uses it too).
from community.towns import member_required  # noqa: F401


def add_action_error(
    form: Form, error: ValidationError, fields: dict[str, str]
) -> None:
    """Show an action's refusal on the form, on the field it concerns if any."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = fields.get(field, field)
        if target not in form.fields:
            target = NON_FIELD_ERRORS
        form.add_error(None if target == NON_FIELD_ERRORS else target, errors)


def back_url(request: HttpRequest, default: str) -> str:
    """The page a form came from (`next`, same site only), else `default`."""
    target = request.POST.get("next", "")
    # A path of this site only: `redirect()` reads "0" or "abc" as a view name
    # (NoReverseMatch), and a newline cannot go into a Location header.
    if (
        not target.startswith("/")
        or any(unicodedata.category(ch)[0] == "C" for ch in target)
        or not url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        )
    ):
        return default
    return target


def back(request: HttpRequest, default: str, anchor: str = "") -> HttpResponse:
    """Redirect to the page the form came from, else `default`."""
    target = back_url(request, default)
    return redirect(f"{target}#{anchor}" if anchor else target)
