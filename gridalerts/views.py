"""A resident's grid-alert opt-in: a checkbox, no JavaScript needed."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common.views import member_required
from community.models import Member
from gridalerts import actions, queries
from gridalerts.forms import OptInForm


@member_required
def opt_in(request: HttpRequest, viewer: Member) -> HttpResponse:
    # An unchecked box posts nothing: a POST is bound even when empty.
    data = request.POST if request.method == "POST" else None
    form = OptInForm(data, initial={"wanted": queries.is_opted_in(viewer)})
    if request.method == "POST" and form.is_valid():
        if actions.do_set_opt_in(viewer, form.cleaned_data["wanted"]):
            messages.success(request, _("Vous serez prévenu des alertes réseau."))
        else:
            messages.success(
                request, _("Vous ne serez plus prévenu des alertes réseau.")
            )
        return redirect("gridalerts:opt_in")
    return render(request, "gridalerts/opt_in.html", {"form": form})
