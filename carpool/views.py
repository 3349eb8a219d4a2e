"""Car-pooling pages, `/covoiturage/`: thin views over carpool.actions and
carpool.queries. Every page is for the town's members (docs/carpool.md)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from carpool import actions, queries
from carpool.forms import FilterForm, RideForm, TripForm
from common.views import add_action_error, member_required
from community.models import Member

PAGE_SIZE = 20


@member_required
def trip_list(request: HttpRequest, viewer: Member) -> HttpResponse:
    """The town's offers and requests still to come, filtered, paginated."""
    form = FilterForm(request.GET or None, town=viewer.town)
    kind, neighbourhood_id = "", None
    if form.is_valid():
        kind = FilterForm.KINDS.get(form.cleaned_data["type"], "")
        if form.cleaned_data["quartier"] is not None:
            neighbourhood_id = form.cleaned_data["quartier"].pk
    page = Paginator(
        queries.open_trips(viewer, kind, neighbourhood_id), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "carpool/trip_list.html",
        {
            "form": form,
            "page": page,
            "viewer": viewer,
            "query": query.urlencode(),
        },
    )


@member_required
def new_trip(request: HttpRequest, viewer: Member) -> HttpResponse:
    """The new trip's form; a refusal shows it again with what was typed."""
    town = viewer.town
    form = TripForm(request.POST or None, town=town)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trip, matches = actions.check_create_trip(
                viewer,
                kind=data["kind"],
                seats=data["seats"],
                start=actions.TripEnd(
                    data["from_neighbourhood"],
                    data["from_label"],
                    data["from_latitude"],
                    data["from_longitude"],
                ),
                end=actions.TripEnd(
                    data["to_neighbourhood"],
                    data["to_label"],
                    data["to_latitude"],
                    data["to_longitude"],
                ),
                regular=data["regular"],
                weekdays=data["weekdays"],
                date=data["date"],
                time=data["time"],
            )
        except ValidationError as error:
            add_action_error(form, error, {})
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("Action refusée."))
        else:
            if matches:
                messages.success(
                    request,
                    ngettext(
                        "Trajet enregistré : %(count)d trajet correspond au "
                        "vôtre. Vous et l'autre membre êtes prévenus.",
                        "Trajet enregistré : %(count)d trajets correspondent au "
                        "vôtre. Vous et les autres membres êtes prévenus.",
                        len(matches),
                    )
                    % {"count": len(matches)},
                )
            else:
                messages.success(
                    request,
                    _(
                        "Trajet enregistré. Aucun trajet ne correspond encore : "
                        "vous serez prévenu dès qu'un voisin en proposera un."
                    ),
                )
            return redirect(reverse("carpool:mine") + f"#trajet-{trip.pk}")
    return render(
        request,
        "carpool/trip_new.html",
        {"form": form, "town": town, "viewer": viewer},
        status=200,
    )


@member_required
def my_trips(request: HttpRequest, viewer: Member) -> HttpResponse:
    """The viewer's trips and, for each, the trips that match it."""
    return _my_trips_page(request, viewer)


def _my_trips_page(
    request: HttpRequest,
    viewer: Member,
    refused: tuple[int, RideForm] | None = None,
) -> HttpResponse:
    """« Mes trajets »; `refused`: a ride form shown again under its match."""
    page = Paginator(queries.my_trips(viewer), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    trips = [(trip, queries.match_views(trip)) for trip in page]
    return render(
        request,
        "carpool/my_trips.html",
        {
            "page": page,
            "trips": trips,
            "viewer": viewer,
            "refused_match_id": refused[0] if refused else None,
            "refused_form": refused[1] if refused else None,
        },
    )


@member_required
def trip_detail(request: HttpRequest, viewer: Member, trip_id: int) -> HttpResponse:
    trip = queries.access_trip(viewer, trip_id)
    return render(
        request,
        "carpool/trip_detail.html",
        {"trip": trip, "viewer": viewer, "town": viewer.town},
    )


@require_POST
@member_required
def close_trip(request: HttpRequest, viewer: Member, trip_id: int) -> HttpResponse:
    trip = queries.access_trip(viewer, trip_id)
    if actions.do_close_trip(viewer, trip):
        messages.success(request, _("Trajet fermé : il n'est plus proposé."))
    else:
        messages.info(request, _("Ce trajet était déjà fermé."))
    return redirect("carpool:detail", trip_id=trip.pk)


@require_POST
@member_required
def propose_ride(request: HttpRequest, viewer: Member, match_id: int) -> HttpResponse:
    """« Nous avons fait ce trajet le … »; the other member confirms."""
    match = queries.access_match(viewer, match_id)
    form = RideForm(request.POST)
    if form.is_valid():
        try:
            actions.check_propose_ride(viewer, match, form.cleaned_data["date"])
        except ValidationError as error:
            add_action_error(form, error, {})
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("C'est noté : l'autre membre est prévenu et doit confirmer."),
            )
            return redirect(reverse("carpool:mine") + f"#correspondance-{match.pk}")
    return _my_trips_page(request, viewer, refused=(match.pk, form))


@require_POST
@member_required
def confirm_ride(request: HttpRequest, viewer: Member, ride_id: int) -> HttpResponse:
    ride = queries.access_ride(viewer, ride_id)
    target = reverse("carpool:mine") + f"#correspondance-{ride.match_id}"
    try:
        done = actions.check_confirm_ride(viewer, ride)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(target)
    messages.success(
        request,
        _("Trajet confirmé : merci ! Vos deux foyers gagnent les points du trajet."),
    )
    if done.message:
        messages.warning(request, done.message)
    return redirect(target)
