"""Every write to the community tables goes through here."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from community import roles
from community.domains import Domain
from community.images import make_avatar
from community.models import (
    Household,
    HouseholdStatus,
    Invitation,
    Member,
    Neighbourhood,
    TownPage,
    TownRole,
)
from community.models.invitations import normalise_code
from community.towns import policy


def do_create_household(
    neighbourhood: Neighbourhood,
    domains: list[str],
    status: str = HouseholdStatus.PRE_REGISTERED,
) -> Household:
    """Create a household in a neighbourhood."""
    now = timezone.now()
    return Household.objects.create(
        neighbourhood=neighbourhood,
        domains=list(domains),
        status=status,
        created_at=now,
        joined_at=now if status == HouseholdStatus.ACTIVE else None,
    )


def do_issue_invitation(
    household: Household, issued_by: User | None, valid_days: int | None = None
) -> Invitation:
    """Issue a single-use invitation code to join a household."""
    days = valid_days or policy(household.neighbourhood.town).invitation_valid_days
    return Invitation.objects.create(
        household=household,
        issued_by=issued_by,
        expires_at=timezone.now() + timedelta(days=days),
    )


def check_invitation_usable(invitation: Invitation | None) -> None:
    """Raise a ValidationError saying why this invitation cannot be used now."""
    if invitation is None:
        raise ValidationError(
            _("Ce code d'invitation est inconnu. Vérifiez-le sur votre carte."),
            code="unknown_code",
        )
    if invitation.is_used:
        raise ValidationError(
            _("Ce code d'invitation a déjà été utilisé."), code="used_code"
        )
    if invitation.is_expired:
        raise ValidationError(
            _(
                "Ce code d'invitation a expiré. Demandez-en un nouveau à votre "
                "ambassadeur."
            ),
            code="expired_code",
        )
    household = invitation.household
    if household.status == HouseholdStatus.LEFT:
        raise ValidationError(
            _("Le foyer de cette invitation a quitté le programme."),
            code="household_left",
        )
    if household.members.count() >= settings.SMARTCITIZEN["HOUSEHOLD_MAX_MEMBERS"]:
        raise ValidationError(
            _("Ce foyer a déjà le nombre maximal de membres."), code="household_full"
        )


def find_invitation(town: TownPage, typed_code: str) -> Invitation | None:
    """The invitation of this town matching a code as typed, if any."""
    return (
        Invitation.objects.select_related("household")
        .filter(
            code=normalise_code(typed_code),
            household__neighbourhood__town=town,
        )
        .first()
    )


def check_sign_up(
    town: TownPage,
    *,
    email: str,
    password: str,
    display_name: str,
    language: str,
    code: str = "",
    neighbourhood: Neighbourhood | None = None,
    domains: list[str] | None = None,
) -> Member:
    """Create an account and its member, joining an invited or a new household.

    With a code, the invitation row is locked so that two people racing for one
    code cannot both use it; any refusal raises before anything is written.
    """
    with transaction.atomic():
        if code:
            invitation = find_invitation(town, code)
            if invitation is not None:
                invitation = Invitation.objects.select_for_update().get(
                    pk=invitation.pk
                )
            check_invitation_usable(invitation)
            household = invitation.household
        else:
            if not policy(town).open_signup:
                raise ValidationError(
                    _("L'inscription se fait avec un code d'invitation."),
                    code="code_required",
                )
            if neighbourhood is None or neighbourhood.town_id != town.pk:
                raise ValidationError(
                    _("Choisissez votre quartier."), code="neighbourhood_required"
                )
            household = do_create_household(
                neighbourhood, domains or [], status=HouseholdStatus.ACTIVE
            )
            invitation = None

        email = email.strip().lower()
        if User.objects.filter(username__iexact=email).exists():
            raise ValidationError(
                _("Un compte existe déjà avec cette adresse e-mail."),
                code="email_taken",
            )
        user = User.objects.create_user(username=email, email=email, password=password)
        user.groups.add(Group.objects.get(name=roles.RESIDENT))
        member = Member.objects.create(
            user=user,
            town=town,
            household=household,
            display_name=display_name.strip(),
            preferred_language=language,
        )
        now = timezone.now()
        if invitation is not None:
            invitation.used_at = now
            invitation.used_by = user
            invitation.save(update_fields=["used_at", "used_by"])
        if household.status != HouseholdStatus.ACTIVE:
            household.status = HouseholdStatus.ACTIVE
            household.joined_at = now
            household.save(update_fields=["status", "joined_at"])
    return member


def do_update_profile(
    member: Member,
    *,
    display_name: str,
    preferred_language: str,
    avatar: UploadedFile | None = None,
    remove_avatar: bool = False,
) -> Member:
    """Change a member's display name, language and profile picture."""
    member.display_name = display_name.strip()
    member.preferred_language = preferred_language
    fields = ["display_name", "preferred_language"]
    old_avatar = member.avatar.name if member.avatar else ""
    if avatar is not None:
        # Processed before any write: an unreadable picture changes nothing.
        thumbnail = make_avatar(avatar)
        member.avatar.save(thumbnail.name, thumbnail, save=False)
        fields.append("avatar")
    elif remove_avatar and old_avatar:
        member.avatar = None
        fields.append("avatar")
    member.save(update_fields=fields)
    if "avatar" in fields and old_avatar:
        storage = member.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar))
    return member


def do_set_preferred_language(member: Member, language: str) -> None:
    """Remember the language a member chose in the switcher."""
    if member.preferred_language != language:
        member.preferred_language = language
        member.save(update_fields=["preferred_language"])


def do_set_household_domains(household: Household, domains: list[str]) -> None:
    """Record where a household chose to act (codes already checked by the form)."""
    household.domains = list(domains)
    household.save(update_fields=["domains"])


def check_set_household_domains(
    member: Member, household: Household, domains: list[str]
) -> list[str]:
    """Change where a household acts, from its page; any of its members may.

    None chosen is allowed: the household then sees everything in the default
    order. A code the town does not offer is refused and nothing changes. The
    lists read the household's domains with the member on every request, so the
    next page honours the change (nothing is cached).
    """
    if member.household_id != household.pk:
        raise PermissionDenied(
            _("Seuls les membres du foyer peuvent changer ses domaines.")
        )
    # The member's town is the household's (both read with the member).
    offered = set(member.town.domains or Domain.values)
    unknown = [code for code in domains if code not in offered]
    if unknown:
        raise ValidationError(
            {
                "domains": _(
                    "« %(code)s » n'est pas un domaine proposé dans votre commune."
                )
                % {"code": unknown[0]}
            },
            code="unknown_domain",
        )
    chosen = [code for code in Domain.values if code in set(domains)]
    do_set_household_domains(household, chosen)
    return chosen


def do_mark_welcome_step(member: Member, step: str, all_steps: list[str]) -> bool:
    """Note a step of the welcome path as done; say whether this completed it.

    The row is locked: two tabs finishing two steps at once keep both.
    """
    with transaction.atomic():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        done = [
            code for code in all_steps if code in locked.welcome_done or code == step
        ]
        fields = []
        just_completed = False
        if done != locked.welcome_done:
            locked.welcome_done = done
            fields.append("welcome_done")
        if len(done) == len(all_steps) and locked.welcome_completed_at is None:
            locked.welcome_completed_at = timezone.now()
            fields.append("welcome_completed_at")
            just_completed = True
        if fields:
            locked.save(update_fields=fields)
    # The caller's object (also the one remembered on request.user) follows.
    member.welcome_done = locked.welcome_done
    member.welcome_completed_at = locked.welcome_completed_at
    return just_completed


# Roles per town (community/roles.py). A town's roles are set up when the town
# is created (community/signals.py) and by every `migrate` for towns made before.
TOWN_PAGE_ACTIONS = ["add", "change", "publish", "lock", "unlock", "bulk_delete"]
TOWN_COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ["add", "change", "choose"],
    ("wagtaildocs", "document"): ["add", "change", "choose"],
}
# Roles whose town group edits the town's pages and pictures.
EDITING_ROLES = (roles.Role.MODERATOR, roles.Role.TOWN_ADMIN)


def _town_group_name(town: TownPage, role: str) -> str:
    return f"{roles.ROLE_GROUPS[role]} · {town.title} ({town.pk})"


@transaction.atomic
def do_setup_town_roles(town: TownPage) -> dict[str, TownRole]:
    """Give a town its four roles, each with its group; the editing roles get
    the town's tree, its own collection and a review workflow of its own (so
    a resident's tip in this town is reviewed by this town's moderators only).
    Running it again changes nothing."""
    existing = {r.role: r for r in TownRole.objects.filter(town=town)}
    made = {}
    for role in roles.Role:
        town_role = existing.get(role)
        if town_role is None:
            group, _created = Group.objects.get_or_create(
                name=_town_group_name(town, role)
            )
            town_role = TownRole.objects.create(town=town, role=role, group=group)
        made[role] = town_role

    collection = Collection.objects.filter(name=town.title, depth=2).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=town.title)
    page_permissions = Permission.objects.filter(
        content_type=ContentType.objects.get_for_model(Page),
        codename__in=[f"{action}_page" for action in TOWN_PAGE_ACTIONS],
    )
    collection_permissions = [
        permission
        for (app_label, model), actions in TOWN_COLLECTION_PERMISSIONS.items()
        for permission in Permission.objects.filter(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    ]
    for role in EDITING_ROLES:
        group = made[role].group
        for permission in page_permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=town, permission=permission
            )
        for permission in collection_permissions:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )

    if not WorkflowPage.objects.filter(page=town).exists():
        workflow = Workflow.objects.create(name=f"Relecture · {town.title}")
        task = GroupApprovalTask.objects.create(
            name=f"Relecture par les modérateurs · {town.title}"
        )
        task.groups.set([made[role].group for role in EDITING_ROLES])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.create(page=town, workflow=workflow)
    return made


@transaction.atomic
def do_grant_role(user: User, town: TownPage, role: str) -> None:
    """Give a person a role in a town (and the role's deployment-wide group).
    A town's administrator is also one of its moderators."""
    town_role = TownRole.objects.filter(town=town, role=role).first()
    if town_role is None:
        town_role = do_setup_town_roles(town)[role]
    user.groups.add(town_role.group, Group.objects.get(name=roles.ROLE_GROUPS[role]))
    roles.forget(user)
    if role == roles.Role.TOWN_ADMIN:
        do_grant_role(user, town, roles.Role.MODERATOR)


@transaction.atomic
def do_revoke_role(user: User, town: TownPage, role: str) -> None:
    """Take a role in a town back; the role's deployment-wide group goes with
    the last town where the person held it."""
    town_role = TownRole.objects.filter(town=town, role=role).first()
    if town_role is not None:
        user.groups.remove(town_role.group)
    if not TownRole.objects.filter(role=role, group__user=user).exists():
        user.groups.remove(*Group.objects.filter(name=roles.ROLE_GROUPS[role]))
    roles.forget(user)
