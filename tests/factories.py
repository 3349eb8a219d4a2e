"""Test data, built through the same actions the site uses."""

import itertools
from datetime import timedelta

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone
from factory.django import DjangoModelFactory
from wagtail.models import Page, Site

from community import actions, roles
from community.models import (
    Household,
    HouseholdStatus,
    Invitation,
    Member,
    Neighbourhood,
    TownPage,
)

PASSWORD = "un-mot-de-passe-solide"  # noqa: S105
_emails = itertools.count(1)


def make_town(title: str, hostname: str | None = None) -> TownPage:
    """A town page under the root; the default site's root unless a host is given."""
    root = Page.get_first_root_node()
    town = root.add_child(instance=TownPage(title=title, slug=title.lower()))
    if hostname is None:
        site = Site.objects.get(is_default_site=True)
        site.root_page = town
        site.save()
    else:
        Site.objects.create(hostname=hostname, port=80, root_page=town)
    return town


class NeighbourhoodFactory(DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    name = factory.Sequence(lambda n: f"Quartier {n}")
    slug = factory.Sequence(lambda n: f"quartier-{n}")
    household_count = 400
    population = 900


def make_household(
    neighbourhood: Neighbourhood, status: str = HouseholdStatus.PRE_REGISTERED
) -> Household:
    return actions.do_create_household(neighbourhood, ["energy"], status=status)


def make_invitation(
    household: Household, *, expires_in: timedelta = timedelta(days=30)
) -> Invitation:
    invitation = actions.do_issue_invitation(household, issued_by=None)
    if expires_in != timedelta(days=30):
        invitation.expires_at = timezone.now() + expires_in
        invitation.save(update_fields=["expires_at"])
    return invitation


def make_member(
    town: TownPage,
    *,
    neighbourhood: Neighbourhood | None = None,
    household: Household | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    display_name: str = "Anne B.",
) -> Member:
    """A resident signed up as a real person would: with a code, or in the open."""
    email = email or f"habitant{next(_emails)}@example.org"
    code = make_invitation(household).code if household is not None else ""
    return actions.check_sign_up(
        town,
        email=email,
        password=password,
        display_name=display_name,
        language="fr",
        code=code,
        neighbourhood=neighbourhood,
    )


# A role named by its deployment-wide group (roles.MODERATOR) or as a Role.
_ROLE_OF_GROUP = {name: role for role, name in roles.ROLE_GROUPS.items()}


def grant(user: User, town: TownPage, role: str) -> User:
    """Give the user a role in this town, as the roles' admin does; a resident
    is one deployment-wide group (their town is their member profile's)."""
    if role == roles.RESIDENT:
        user.groups.add(Group.objects.get(name=roles.RESIDENT))
        return user
    actions.do_grant_role(user, town, _ROLE_OF_GROUP.get(role, role))
    return user


def make_staff(town: TownPage, role: str, email: str | None = None) -> User:
    """An account holding a role in this town (a moderator, an ambassador…),
    with its member profile there."""
    email = email or f"equipe{next(_emails)}@example.org"
    user = User.objects.create_user(username=email, email=email, password=PASSWORD)
    grant(user, town, role)
    Member.objects.create(
        user=user, town=town, display_name=str(roles.ROLE_GROUPS.get(role, role))
    )
    return user


def make_report_category(town: TownPage, name: str = "Éclairage public", **kwargs):
    """A category residents may report in this town."""
    from reports.models import ReportCategory

    code = kwargs.pop("service_code", None) or f"cat{next(_emails)}"
    return ReportCategory.objects.create(
        town=town,
        name=name,
        service_code=code,
        service_name=kwargs.pop("service_name", "Service voirie"),
        **kwargs,
    )


def make_report(member: Member, category=None, **fields):
    """A report filed by a resident, through the action the form calls."""
    from reports import actions as report_actions

    category = category or make_report_category(member.town)
    fields.setdefault("description", "Le lampadaire ne s'allume plus.")
    if "latitude" not in fields and "address" not in fields:
        fields["address"] = "12 rue de la Gare"
    return report_actions.check_create_report(
        member.town, category=category, author=member, **fields
    )
