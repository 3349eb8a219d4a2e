"""Pages of the town's shops and producers (docs/localshops.md): the directory,
a business, the map, the season, « J'ai acheté local » and its receipts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.views import add_action_error, member_required
from community.models import Member
from community.towns import town_member, town_or_404
from localshops import actions, queries
from localshops.forms import DirectoryFilterForm, MonthForm, PurchaseForm
from localshops.models import LocalBusiness, ProduceCategory
from scoring import client as scoring

PAGE_SIZE = 20


def _pin(business: LocalBusiness) -> dict:
    return {
        "id": business.pk,
        "name": business.name,
        "kind": business.get_kind_display(),
        "lat": business.latitude,
        "lon": business.longitude,
        "url": reverse("localshops:detail", args=[business.pk]),
    }


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """The town's shops and producers, filtered and paginated."""
    town = town_or_404(request)
    form = DirectoryFilterForm(town, request.GET or None)
    filters = form.filters()
    page = Paginator(queries.directory(town, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "localshops/directory.html",
        {"town": town, "form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
def detail(request: HttpRequest, business_id: int) -> HttpResponse:
    """What a business sells, when it opens, where, and the rewards it takes."""
    town = town_or_404(request)
    business = queries.access_business(town, business_id)
    month = timezone.localdate().month
    return render(
        request,
        "localshops/business.html",
        {
            "town": town,
            "business": business,
            "rewards": queries.business_rewards(town, business),
            "in_season": [p for p in business.products.all() if p.in_season(month)],
            "pins": [_pin(business)] if business.has_position else [],
        },
    )


@require_GET
def business_map(request: HttpRequest) -> HttpResponse:
    """Every business on the town's map; the list is the page without JavaScript."""
    town = town_or_404(request)
    businesses = list(queries.active_businesses(town)[: queries.MAX_MAP_BUSINESSES])
    return render(
        request,
        "localshops/map.html",
        {
            "town": town,
            "businesses": businesses,
            "pins": [_pin(b) for b in businesses if b.has_position],
        },
    )


@require_GET
def seasonal(request: HttpRequest) -> HttpResponse:
    """The produce of a month (this one unless `mois`) and who has it."""
    town = town_or_404(request)
    form = MonthForm(request.GET or None)
    month = form.month()
    produce = queries.in_season(town, month)
    groups = [
        (label, [p for p in produce if p.category == value])
        for value, label in ProduceCategory.choices
    ]

    previous, following = (month + 10) % 12 + 1, month % 12 + 1
    return render(
        request,
        "localshops/seasonal.html",
        {
            "town": town,
            "form": form,
            "month": month,
            "month_name": MONTHS[month],
            "groups": [(label, items) for label, items in groups if items],
            "previous": (MONTHS[previous], f"?mois={previous}"),
            "following": (MONTHS[following], f"?mois={following}"),
        },
    )


@member_required
def buy_local(request: HttpRequest, member: Member) -> HttpResponse:
    """« J'ai acheté local »: the form, and the household's last purchases."""
    town = member.town
    if request.method == "POST":
        form = PurchaseForm(town, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = actions.check_log_local_purchase(
                    member,
                    business_id=data["business"].pk,
                    amount=data["amount"],
                    receipt=data["receipt"],
                    client_key=data["client_key"],
                )
            except ValidationError as error:
                add_action_error(form, error, {})
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                if result.replayed:
                    messages.info(request, _("Cet achat était déjà enregistré."))
                else:
                    messages.success(
                        request,
                        _(
                            "Merci d'avoir acheté local ! %(points)d points pour "
                            "votre foyer."
                        )
                        % {"points": result.purchase.points_awarded},
                    )
                return redirect("localshops:buy")
    else:
        initial = {"client_key": scoring.new_idempotency_key()}
        if request.GET.get("commerce", "").isdigit():
            # « J'ai acheté ici » from a business's page.
            initial["business"] = int(request.GET["commerce"])
        form = PurchaseForm(town, initial=initial)
    return render(
        request,
        "localshops/buy.html",
        {
            "town": town,
            "form": form,
            "max_per_day": actions.MAX_PURCHASES_PER_DAY,
            "purchases": (
                queries.recent_purchases(member.household)
                if member.household_id
                else []
            ),
        },
        status=200,
    )


@require_GET
def receipt(request: HttpRequest, purchase_id: int) -> FileResponse:
    """A receipt's photo, for its household and the town's moderators only."""
    town = town_or_404(request)
    purchase = queries.access_receipt(
        request.user, town_member(request), town, purchase_id
    )
    response = FileResponse(purchase.receipt.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
