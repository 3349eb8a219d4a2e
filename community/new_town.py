"""A new town on the deployment: its Site, its pages, neighbourhoods, consent
texts, settings and roles, in one transaction (`manage.py create_town` and the
admin's « Nouvelle commune » call `check_create_town`)."""

import re
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Page, Site

from community.actions import do_grant_role
from community.models import ConsentText, Neighbourhood, Role, TownPage

# The hook each app registers to add its index page under a new town (tips,
# challenges, ambassadors…): `fn(town)`. The community layer does not import
# the apps built on it; they come to it.
TOWN_TREE_HOOK = "smartcitizen_town_tree"

HOSTNAME_RE = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


@dataclass(frozen=True)
class NewNeighbourhood:
    name: str
    households: int = 0


def parse_neighbourhood(line: str) -> NewNeighbourhood:
    """« Nom » or « Nom:foyers » (the census households); a clear error else."""
    name, _sep, count = line.strip().partition(":")
    name, count = name.strip(), count.strip()
    if not name:
        raise ValidationError(
            _("Un quartier sans nom : « %(line)s ».") % {"line": line}
        )
    if count and not count.isdigit():
        raise ValidationError(
            _("« %(line)s » : le nombre de foyers doit être un entier.")
            % {"line": line}
        )
    return NewNeighbourhood(name, int(count or 0))


def check_hostname(hostname: str, port: int) -> str:
    """The hostname in lower case, or a ValidationError saying what is wrong."""
    hostname = hostname.strip().lower()
    if not HOSTNAME_RE.match(hostname):
        raise ValidationError(
            _(
                "« %(hostname)s » n'est pas un nom d'hôte valide (lettres, chiffres, "
                "tirets et points, sans http:// ni chemin)."
            )
            % {"hostname": hostname},
            code="invalid_hostname",
        )
    if not 1 <= port <= 65535:
        raise ValidationError(_("Le port doit être entre 1 et 65535."), code="port")
    if Site.objects.filter(hostname=hostname, port=port).exists():
        raise ValidationError(
            _("Le nom d'hôte « %(hostname)s » est déjà celui d'une autre commune.")
            % {"hostname": hostname},
            code="hostname_taken",
        )
    return hostname


def _unique_slug(title: str) -> str:
    base = slugify(title) or "commune"
    taken = set(
        Page.get_first_root_node().get_children().values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def do_build_town_tree(town: TownPage) -> None:
    """The town's index pages (tips, challenges, ambassadors…), each added by
    its app through the TOWN_TREE_HOOK."""
    for add_index in hooks.get_hooks(TOWN_TREE_HOOK):
        add_index(town)


def do_add_missing_indexes(index_model, make_index) -> int:
    """Give the towns made before an app existed its index page (run after
    `migrate`, from the app's post_migrate receiver): a town that has one, or
    a page of that slug, is left as it is. Answers how many were added."""
    added = 0
    for town in TownPage.objects.all():
        if index_model.objects.child_of(town).exists():
            continue
        index = make_index()
        if town.get_children().filter(slug=index.slug).exists():
            continue
        town.add_child(instance=index)
        added += 1
    return added


def do_copy_consent_texts(town: TownPage) -> None:
    """The template's texts (those without a town) become the town's own."""
    ConsentText.objects.bulk_create(
        ConsentText(
            town=town,
            kind=text.kind,
            version=text.version,
            text=text.text,
            published_at=text.published_at,
        )
        for text in ConsentText.objects.filter(town__isnull=True)
    )


def _town_admin(email: str) -> User:
    """The account of the town's administrator; made without a password when new
    (they choose one with « Mot de passe oublié » on the town's site)."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(
            _("« %(email)s » n'est pas une adresse e-mail valide.") % {"email": email},
            code="admin_email",
        ) from error
    user = User.objects.filter(username__iexact=email).first()
    if user is None:
        user = User.objects.create(
            username=email, email=email, password=make_password(None)
        )
    return user


@transaction.atomic
def check_create_town(
    *,
    title: str,
    hostname: str,
    port: int = 80,
    neighbourhoods: list[NewNeighbourhood] = (),
    admin_email: str = "",
) -> TownPage:
    """Create a town and everything it needs; any refusal raises before a write
    (and the transaction undoes a late one): nothing half-made is left."""
    title = title.strip()
    if not title:
        raise ValidationError(_("Donnez le nom de la commune."), code="title")
    # The town's collection of images and documents is found by the town's
    # name (community.actions.do_setup_town_roles): two towns of one name
    # would share it.
    if TownPage.objects.filter(title__iexact=title).exists():
        raise ValidationError(
            _("Une commune porte déjà le nom « %(title)s ».") % {"title": title},
            code="title_taken",
        )
    hostname = check_hostname(hostname, port)
    names = [n.name for n in neighbourhoods]
    if len(set(names)) != len(names):
        raise ValidationError(_("Deux quartiers portent le même nom."), code="twice")
    slugs = [slugify(name) for name in names]
    if len(set(slugs)) != len(slugs) or not all(slugs):
        raise ValidationError(
            _("Deux quartiers ont des noms trop proches (même adresse)."),
            code="twice",
        )
    # A TownPage's defaults are the deployment's settings (its « Réglages »);
    # its roles come with it (community.signals).
    town = Page.get_first_root_node().add_child(
        instance=TownPage(title=title, slug=_unique_slug(title))
    )
    Site.objects.create(
        hostname=hostname,
        port=port,
        root_page=town,
        site_name=title,
        is_default_site=not Site.objects.exists(),
    )
    do_build_town_tree(town)
    Neighbourhood.objects.bulk_create(
        Neighbourhood(town=town, name=n.name, slug=slug, household_count=n.households)
        for n, slug in zip(neighbourhoods, slugs, strict=True)
    )
    do_copy_consent_texts(town)
    if admin_email.strip():
        do_grant_role(_town_admin(admin_email), town, Role.TOWN_ADMIN)
    return town
