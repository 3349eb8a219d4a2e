"""On the doorstep: an ambassador types a meter index for a household that asked.

The same forms and the same action as « Mes compteurs » (meters.actions), with
the ambassador named as the one who typed it; the household sees it marked so.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ambassadors import queries
from ambassadors.views import ambassador_view, render_household_detail
from community.queries import member_of
from meters import actions as meter_actions
from meters.errors import IndexNeedsConfirmation, MeterIndexError
from meters.forms import MeterIndexForm, ReplacedMeterForm


@ambassador_view
@require_POST
def meter_index(
    request: HttpRequest, scope: queries.AmbassadorScope, public_id: str
) -> HttpResponse:
    onboarding = queries.access_followed_household(scope, public_id)
    household = onboarding.household
    answering = "question" in request.POST
    form = (
        ReplacedMeterForm(request.POST) if answering else MeterIndexForm(request.POST)
    )
    if not form.is_valid():
        if answering:
            messages.error(request, _("Répondez par oui ou par non, puis validez."))
            return redirect("ambassadors:household", public_id=public_id)
        return render_household_detail(request, scope, onboarding, index_form=form)
    data = form.cleaned_data
    try:
        # The action refuses a household outside the ambassador's neighbourhoods,
        # marks the index « saisi par l'ambassadeur » and writes the audit line.
        index = meter_actions.check_add_index(
            member_of(request.user),
            household,
            meter_kind=data["meter_kind"],
            read_on=data["read_on"],
            value=data["value"],
            new_meter=data.get("new_meter"),
            assisted_by=scope,
        )
    except IndexNeedsConfirmation as error:
        question = ReplacedMeterForm(
            initial={
                "meter_kind": data["meter_kind"],
                "read_on": data["read_on"],
                "value": data["value"],
            }
        )
        return render_household_detail(
            request,
            scope,
            onboarding,
            index_form=MeterIndexForm(request.POST),
            replaced_form=question,
            question=error.message,
        )
    except MeterIndexError as error:
        shown = MeterIndexForm(
            {
                "meter_kind": data["meter_kind"],
                "read_on": data["read_on"].isoformat(),
                "value": str(data["value"]),
            }
        )
        shown.is_valid()
        shown.add_error(None, error.message)
        return render_household_detail(request, scope, onboarding, index_form=shown)
    messages.success(
        request,
        _(
            "Index du %(day)s enregistré pour ce foyer, marqué « saisi par "
            "l'ambassadeur » : le foyer le voit dans « Mes compteurs »."
        )
        % {"day": date_format(index.read_on, "DATE_FORMAT")},
    )
    return redirect("ambassadors:household", public_id=public_id)
