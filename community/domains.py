"""The programme's domains of action, shared with the scoring-core contract."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")


class Domain(models.TextChoices):
    ENERGY = "energy", _("Énergie")
    WATER = "water", _("Eau")
    TRANSPORT = "transport", _("Transports")
    WASTE = "waste", _("Tri des déchets")
    LOCAL_FOOD = "local_food", _("Alimentation locale")


def all_domains() -> list[str]:
    """Every domain code: the default choice of a new town."""
    return list(Domain.values)


def domain_labels(codes: list[str]) -> list[str]:
    """Labels of known domain codes, in the programme's order."""
    chosen = set(codes or [])
    return [str(label) for value, label in Domain.choices if value in chosen]


class DomainsField(models.JSONField):
    """A list of domain codes, edited as checkboxes, stored as a JSON list."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def validate(self, value, model_instance) -> None:
        super().validate(value, model_instance)
        if not isinstance(value, list) or any(
            code not in Domain.values for code in value
        ):
            raise ValidationError(_("Choisissez parmi les domaines proposés."))

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=Domain.choices,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
        )


# The « Tout voir » switch: a plain GET parameter, so a link does it (no JS).
SHOW_ALL_PARAM = "tout"
# Cursors and page numbers belong to one order: switching order starts over.
PAGING_PARAMS = ("page", "avant")


@dataclass(frozen=True)
class DomainsFirst:
    """Which domains a list puts first for its viewer (the household's choice),
    and whether the viewer asked to see everything in the default order.

    Nothing is reordered for a member with no household or no domain chosen,
    with every domain chosen (the default order already serves them all), or
    with « Tout voir » on.
    """

    chosen: tuple[str, ...] = ()
    show_all: bool = False
    has_household: bool = False

    @property
    def first(self) -> tuple[str, ...]:
        """The domains put first; empty when the list keeps its default order."""
        if self.show_all or len(self.chosen) == len(Domain.values):
            return ()
        return self.chosen

    @property
    def active(self) -> bool:
        return bool(self.first)

    @property
    def switchable(self) -> bool:
        """Whether the list offers « Tout voir » / « D'abord vos domaines »."""
        return bool(self.chosen) and len(self.chosen) < len(Domain.values)

    def labels(self) -> list[str]:
        return domain_labels(list(self.chosen))

    def rank(self, domain: str) -> int:
        """0 for a domain put first, 1 for any other (and for no domain)."""
        return 0 if domain in self.first else 1

    def sort(self, items: Iterable[T], key: Callable[[T], str]) -> list[T]:
        """The items, the chosen domains' first, each group in its given order."""
        items = list(items)
        if not self.active:
            return items
        return sorted(items, key=lambda item: self.rank(key(item)))

    def matches(self, field: str = "domain", **within: Any) -> Q:
        """The rows put first, as a filter (`within` narrows it)."""
        return Q(**{f"{field}__in": self.first}, **within)

    def order_by(self, field: str = "domain") -> list[Case]:
        """The ORDER BY expression to put before a list's own (empty: none).

        One CASE on a column of the row: no join, no per-row query.
        """
        if not self.active:
            return []
        return [
            Case(
                When(self.matches(field), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ]


def domains_first(member: Any, params: Mapping[str, str] | None = None) -> DomainsFirst:
    """The viewer's domains-first preference: their household's domains (read
    with the member, no query) and « Tout voir » from the request's GET."""
    household = getattr(member, "household", None) if member is not None else None
    return household_domains_first(household, params)


def household_domains_first(
    household: Any, params: Mapping[str, str] | None = None
) -> DomainsFirst:
    """The same for a household (None: nothing reordered)."""
    chosen = set(household.domains or []) if household is not None else set()
    return DomainsFirst(
        chosen=tuple(code for code in Domain.values if code in chosen),
        show_all=bool(params and params.get(SHOW_ALL_PARAM)),
        has_household=household is not None,
    )


def switch_urls(path: str, params: QueryDict) -> dict[str, str]:
    """Links of the switch: the same list with « Tout voir » on, and off; both
    keep the list's other parameters (domain, sort) and start at its top."""
    kept = params.copy()
    for name in (*PAGING_PARAMS, SHOW_ALL_PARAM):
        kept.pop(name, None)
    first = kept.urlencode()
    kept[SHOW_ALL_PARAM] = "1"
    return {
        "show_all_url": f"{path}?{kept.urlencode()}",
        "first_url": f"{path}?{first}" if first else path,
    }
