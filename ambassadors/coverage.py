"""Coverage figures: per neighbourhood, per ambassador, week by week.

Every function runs a fixed number of queries whatever the number of rows:
counts are correlated subqueries on one base query, never one query per row.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, TruncWeek
from django.utils import timezone

from ambassadors.models import AmbassadorPage, AssistedAction, Visit
from ambassadors.models.visits import VisitOutcome
from community import roles
from community.models import (
    Household,
    HouseholdStatus,
    Member,
    Neighbourhood,
    Role,
)
from community.participation import Participation, signed_up_count

WEEKS = 12


def _door() -> Case:
    # One door is one address; once erased, each visit counts as its own door.
    return Case(
        When(address_erased_at__isnull=True, then=F("address_key")),
        default=Concat(Value("#"), Cast("pk", CharField())),
        output_field=CharField(),
    )


def _count(queryset: QuerySet, group: str, expression) -> Coalesce:
    counted = queryset.order_by().values(group).annotate(n=expression).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _active_since() -> datetime:
    return timezone.now() - timedelta(days=settings.SMARTCITIZEN["ACTIVE_WINDOW_DAYS"])


def _active_filter(prefix: str = "") -> Q:
    """Households that joined, logged in or had an action logged in the window."""
    since = _active_since()
    recent_login = Exists(
        Member.objects.filter(
            household=OuterRef(f"{prefix}pk"), user__last_login__gte=since
        )
    )
    recent_action = Exists(
        AssistedAction.objects.filter(
            household=OuterRef(f"{prefix}pk"), created_at__gte=since
        )
    )
    # Signing up is activity too: a household that joined in the window counts.
    return Q(recent_login) | Q(recent_action) | Q(joined_at__gte=since)


@dataclass
class Row:
    label: str
    town: str
    census: int
    visited: int
    interested: int
    pre_registered: int
    signed_up: int
    active: int
    # With an ambassador: the signed-up households they brought in themselves.
    brought_in: int | None = None
    share: float | None = None  # the town's coverage target share

    @property
    def participation(self) -> Participation:
        return Participation(
            households=self.census, signed_up=self.signed_up, share=self.share
        )

    @property
    def target(self) -> int:
        return self.participation.target

    @property
    def share_of_target(self) -> int:
        """Signed-up households as a percentage of the target, rounded down."""
        return self.participation.share_of_target


def by_neighbourhood(
    neighbourhoods: QuerySet[Neighbourhood], ambassador: User | None = None
) -> list[Row]:
    """One row per neighbourhood.

    The households signed up and the target are the neighbourhood's, counted as
    everywhere else (community.participation); with an ambassador, visits,
    pre-registrations, activity and `brought_in` are their own work.
    """
    visits = Visit.objects.filter(neighbourhood=OuterRef("pk"))
    households = Household.objects.filter(neighbourhood=OuterRef("pk"))
    if ambassador is not None:
        visits = visits.filter(ambassador=ambassador)
        households = households.filter(onboarding__ambassador=ambassador)
    signed = households.filter(status=HouseholdStatus.ACTIVE)
    rows = neighbourhoods.select_related("town").annotate(
        n_visited=_count(visits, "neighbourhood", Count(_door(), distinct=True)),
        n_interested=_count(
            visits.filter(outcome=VisitOutcome.INTERESTED),
            "neighbourhood",
            Count(_door(), distinct=True),
        ),
        n_pre=_count(
            households.filter(status=HouseholdStatus.PRE_REGISTERED),
            "neighbourhood",
            Count("pk"),
        ),
        n_signed=signed_up_count(),
        n_active=_count(signed.filter(_active_filter()), "neighbourhood", Count("pk")),
    )
    if ambassador is not None:
        rows = rows.annotate(n_mine=_count(signed, "neighbourhood", Count("pk")))
    return [
        Row(
            label=n.name,
            town=n.town.title,
            census=n.household_count,
            visited=n.n_visited,
            interested=n.n_interested,
            pre_registered=n.n_pre,
            signed_up=n.n_signed,
            active=n.n_active,
            brought_in=getattr(n, "n_mine", None),
            share=n.town.coverage_target_share,
        )
        for n in rows.order_by("town__title", "name")
    ]


def total(rows: list[Row]) -> Participation:
    """The households and sign-ups of several neighbourhoods' rows together."""
    return sum((row.participation for row in rows), Participation(0, 0))


def ambassadors_queryset(town_ids: Iterable[int] | None = None) -> QuerySet[User]:
    """The ambassadors (of these towns: the role held there), by user name."""
    if town_ids is None:
        users = User.objects.filter(groups__name=roles.AMBASSADOR)
    else:
        users = User.objects.filter(
            groups__town_role__role=Role.AMBASSADOR,
            groups__town_role__town__in=list(town_ids),
        ).distinct()
    return users.order_by("username")


def by_ambassador(
    users: QuerySet[User], town_ids: Iterable[int] | None = None
) -> list[Row]:
    """One row per ambassador: their visits and the households they brought in
    (in these towns only, when given: an ambassador may work in several).

    The census is the sum over the neighbourhoods their pages cover.
    """
    visits = Visit.objects.filter(ambassador=OuterRef("pk"))
    onboarded = Household.objects.filter(onboarding__ambassador=OuterRef("pk"))
    covered = Neighbourhood.objects.filter(ambassador_pages__user=OuterRef("pk"))
    page = AmbassadorPage.objects.filter(user=OuterRef("pk")).order_by("pk")
    if town_ids is not None:
        town_ids = list(town_ids)
        visits = visits.filter(neighbourhood__town__in=town_ids)
        onboarded = onboarded.filter(neighbourhood__town__in=town_ids)
        covered = covered.filter(town__in=town_ids)
        page = page.filter(neighbourhoods__town__in=town_ids)
    active = onboarded.filter(status=HouseholdStatus.ACTIVE).filter(_active_filter())
    rows = users.annotate(
        page_title=Subquery(page.values("title")[:1]),
        n_census=_count(covered, "ambassador_pages__user", Sum("household_count")),
        n_visited=_count(visits, "ambassador", Count(_door(), distinct=True)),
        n_interested=_count(
            visits.filter(outcome=VisitOutcome.INTERESTED),
            "ambassador",
            Count(_door(), distinct=True),
        ),
        n_pre=_count(
            onboarded.filter(status=HouseholdStatus.PRE_REGISTERED),
            "onboarding__ambassador",
            Count("pk"),
        ),
        n_signed=_count(
            onboarded.filter(status=HouseholdStatus.ACTIVE),
            "onboarding__ambassador",
            Count("pk"),
        ),
        n_active=_count(active, "onboarding__ambassador", Count("pk")),
    )
    return [
        Row(
            label=user.page_title or user.get_username(),
            town="",
            census=user.n_census,
            visited=user.n_visited,
            interested=user.n_interested,
            pre_registered=user.n_pre,
            signed_up=user.n_signed,
            active=user.n_active,
        )
        for user in rows
    ]


@dataclass
class Week:
    start: date
    visited: int
    signed_up: int


def weekly(
    neighbourhoods: QuerySet[Neighbourhood],
    ambassador: User | None = None,
    weeks: int = WEEKS,
) -> list[Week]:
    """Doors visited and households signed up, week by week (Monday first).

    With an ambassador, the doors are theirs; the sign-ups are always the
    neighbourhoods' (« foyers inscrits » means one thing on every page).
    """
    today = timezone.localdate()
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    visits = Visit.objects.filter(
        neighbourhood__in=neighbourhoods, visited_on__gte=first
    )
    households = Household.objects.filter(
        neighbourhood__in=neighbourhoods,
        joined_at__date__gte=first,
        status=HouseholdStatus.ACTIVE,
    )
    if ambassador is not None:
        visits = visits.filter(ambassador=ambassador)
    visited = {
        row["week"]: row["n"]
        for row in visits.annotate(week=TruncWeek("visited_on"))
        .values("week")
        .annotate(n=Count(_door(), distinct=True))
        .order_by()
    }
    signed = {
        row["week"].date() if hasattr(row["week"], "date") else row["week"]: row["n"]
        for row in households.annotate(
            week=TruncWeek("joined_at", tzinfo=timezone.get_current_timezone())
        )
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    }
    visited = {
        (key.date() if hasattr(key, "date") else key): value
        for key, value in visited.items()
    }
    return [
        Week(
            start=first + timedelta(weeks=i),
            visited=visited.get(first + timedelta(weeks=i), 0),
            signed_up=signed.get(first + timedelta(weeks=i), 0),
        )
        for i in range(weeks)
    ]


@dataclass
class Bar:
    x: float
    y: float
    height: float
    value: int

    @property
    def text_y(self) -> float:
        return self.y - 2


@dataclass
class Chart:
    width: int
    height: int
    baseline: float
    maximum: int
    columns: list[dict]

    @property
    def label_y(self) -> float:
        return self.baseline + 14


def chart(weeks: list[Week], width: int = 360, height: int = 200) -> Chart:
    """Bar geometry for the server-side SVG (two bars a week, values written)."""
    top, bottom, left = 20, 36, 8
    plot = height - top - bottom
    maximum = max([w.visited for w in weeks] + [w.signed_up for w in weeks] + [1])
    step = (width - left) / len(weeks)
    bar = step * 0.38
    columns = []
    for i, week in enumerate(weeks):
        x = left + i * step
        bars = []
        for j, value in enumerate((week.visited, week.signed_up)):
            h = plot * value / maximum
            bars.append(Bar(x=x + j * bar, y=top + plot - h, height=h, value=value))
        columns.append(
            {
                "week": week,
                "visited": bars[0],
                "signed": bars[1],
                "bar_width": bar,
                "label_x": x + bar,
            }
        )
    return Chart(width, height, top + plot, maximum, columns)


CSV_HEADER = [
    "commune",
    "quartier",
    "foyers (recensement)",
    "objectif",
    "portes visitées",
    "intéressés",
    "pré-inscrits",
    "inscrits",
    "actifs (30 jours)",
    "part de l'objectif (%)",
]


def _cell(value: object) -> object:
    # A spreadsheet runs a cell starting with = + - @ as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def rows_as_csv(rows: list[Row], first_column: str = "quartier") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    header = list(CSV_HEADER)
    header[1] = first_column
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                _cell(value)
                for value in (
                    row.town,
                    row.label,
                    row.census,
                    row.target,
                    row.visited,
                    row.interested,
                    row.pre_registered,
                    row.signed_up,
                    row.active,
                    row.share_of_target,
                )
            ]
        )
    return out.getvalue()


__all__ = [
    "Row",
    "by_ambassador",
    "by_neighbourhood",
    "total",
    "chart",
    "rows_as_csv",
    "weekly",
]
