"""Type a meter index; an index lower than the last one asks first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from meters import actions
from meters.errors import IndexNeedsConfirmation, MeterIndexError
from meters.forms import MeterIndexForm, ReplacedMeterForm, unit_for
from meters.models import MeterIndex
from meters.views_common import access_member_household, amount, render_home


def index_saved_message(index: MeterIndex) -> str:
    """What the resident reads once an index is stored."""
    return _("Index du %(day)s enregistré : %(value)s.") % {
        "day": date_format(index.read_on, "DATE_FORMAT"),
        "value": amount(index.value, unit_for(index.meter_kind), exact=True),
    }


def _field(form: MeterIndexForm, error: MeterIndexError) -> str | None:
    return error.field if error.field in form.fields else None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def add_index(request: HttpRequest) -> HttpResponse:
    member, household = access_member_household(request)
    if request.method != "POST":
        return redirect("meters:home")
    # Two forms post here: the index itself, and the answer to the question
    # « Le compteur a-t-il été remplacé ? » carrying the index in hidden fields.
    if "new_meter" in request.POST or request.POST.get("question"):
        return _answer(request, member, household)
    form = MeterIndexForm(request.POST)
    if not form.is_valid():
        return render_home(request, member, household, index_form=form)
    data = form.cleaned_data
    try:
        index = actions.check_add_index(
            member,
            household,
            meter_kind=data["meter_kind"],
            read_on=data["read_on"],
            value=data["value"],
        )
    except IndexNeedsConfirmation as error:
        question = ReplacedMeterForm(
            initial={
                "meter_kind": data["meter_kind"],
                "read_on": data["read_on"],
                "value": data["value"],
            }
        )
        return render_home(
            request,
            member,
            household,
            index_form=form,
            replaced_form=question,
            question=error.message,
        )
    except MeterIndexError as error:
        form.add_error(_field(form, error), error.message)
        return render_home(request, member, household, index_form=form)
    messages.success(request, index_saved_message(index))
    return redirect("meters:home")


def _answer(request: HttpRequest, member, household) -> HttpResponse:
    question = ReplacedMeterForm(request.POST)
    # The index form shows what was typed, whatever the answer's fate.
    typed = MeterIndexForm(
        initial={
            "meter_kind": request.POST.get("meter_kind", ""),
            "read_on": request.POST.get("read_on", ""),
            "value": request.POST.get("value", ""),
        }
    )
    if not question.is_valid():
        if set(question.errors) - {"new_meter"}:
            # The hidden fields were changed: start again from the index form.
            messages.error(request, _("Saisissez à nouveau votre index."))
            return redirect("meters:home")
        return render_home(
            request, member, household, index_form=typed, replaced_form=question
        )
    data = question.cleaned_data
    try:
        index = actions.check_add_index(
            member,
            household,
            meter_kind=data["meter_kind"],
            read_on=data["read_on"],
            value=data["value"],
            new_meter=data["new_meter"],
        )
    except (IndexNeedsConfirmation, MeterIndexError) as error:
        form = MeterIndexForm(
            {
                "meter_kind": data["meter_kind"],
                "read_on": data["read_on"].isoformat(),
                "value": str(data["value"]),
            }
        )
        form.is_valid()
        form.add_error(_field(form, error), error.message)
        return render_home(request, member, household, index_form=form)
    messages.success(request, index_saved_message(index))
    return redirect("meters:home")
