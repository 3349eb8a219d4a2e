"""Posts, their pictures, comments and reactions."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.domains import Domain
from community.models import Member, Neighbourhood, TownPage

# Limits shared by the forms and the actions (the actions re-check them).
BODY_MAX_LENGTH = 5000
COMMENT_MAX_LENGTH = 2000
CONTENT_WARNING_MAX_LENGTH = 120
MAX_IMAGES = 4
CLIENT_KEY_MAX_LENGTH = 64


class ContentState(models.TextChoices):
    PUBLISHED = "published", _("Publié")
    HIDDEN = "hidden", _("Masqué par la modération")
    DELETED = "deleted", _("Supprimé par son auteur")


class PostTarget(models.TextChoices):
    TOWN = "town", _("Toute la commune")
    NEIGHBOURHOOD = "neighbourhood", _("Un quartier")
    CHALLENGE = "challenge", _("Un défi")
    # The discussion of a tip page: one post per tip, opened by its first comment,
    # shown on the tip page only (never in a feed list).
    TIP = "tip", _("Une astuce")


class ReactionKind(models.TextChoices):
    THANKS = "merci", _("Merci")
    BRAVO = "bravo", _("Bravo")
    ME_TOO = "aussi", _("Je le fais aussi")


def image_path(image: "PostImage", filename: str) -> str:
    # Never the uploaded name: it may hold a real name or a date and place.
    return f"posts/{timezone.now():%Y/%m}/{image.post_id}-{filename}"


class Post(models.Model):
    """A member's post to the feed of the town, a neighbourhood or a challenge."""

    town = models.ForeignKey(
        TownPage, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        Member, verbose_name=_("auteur"), on_delete=models.CASCADE, related_name="posts"
    )
    target = models.CharField(
        _("publié dans"), max_length=16, choices=PostTarget.choices
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("quartier"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="posts",
    )
    # The challenges app does not exist yet: a plain id today, a foreign key to
    # challenges.ChallengePage once it does (a migration keeps the column).
    challenge_id = models.BigIntegerField(_("défi"), null=True, blank=True)
    tip = models.OneToOneField(
        "tips.TipPage",
        verbose_name=_("astuce"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="discussion",
    )
    # What the post is about: the domain of its challenge or tip, or the one its
    # author chose (optional); « Mon fil » puts the household's domains first.
    domain = models.CharField(
        _("domaine"), max_length=20, choices=Domain.choices, blank=True, default=""
    )
    body = models.TextField(_("texte"), max_length=BODY_MAX_LENGTH)
    content_warning = models.CharField(
        _("avertissement"), max_length=CONTENT_WARNING_MAX_LENGTH, blank=True
    )
    # [{"id": member id, "name": display name as written}], resolved when saved so
    # that rendering needs no query.
    mentions = models.JSONField(_("mentions"), default=list, blank=True)
    state = models.CharField(
        _("état"),
        max_length=16,
        choices=ContentState.choices,
        default=ContentState.PUBLISHED,
    )
    client_key = models.CharField(_("clé client"), max_length=CLIENT_KEY_MAX_LENGTH)
    comment_count = models.PositiveIntegerField(_("commentaires"), default=0)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    state_changed_by = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_key"], name="post_unique_client_key"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        target="town",
                        neighbourhood__isnull=True,
                        challenge_id=None,
                        tip__isnull=True,
                    )
                    | Q(
                        target="neighbourhood",
                        neighbourhood__isnull=False,
                        challenge_id=None,
                        tip__isnull=True,
                    )
                    | Q(
                        target="challenge",
                        neighbourhood__isnull=True,
                        challenge_id__isnull=False,
                        tip__isnull=True,
                    )
                    | Q(
                        target="tip",
                        neighbourhood__isnull=True,
                        challenge_id=None,
                        tip__isnull=False,
                    )
                ),
                name="post_target_consistent",
            ),
        ]
        # Keyset pagination walks (created_at, id) backwards inside one scope.
        indexes = [
            models.Index(
                fields=["town", "state", "-created_at", "-id"], name="post_town_feed"
            ),
            models.Index(
                fields=["neighbourhood", "state", "-created_at", "-id"],
                name="post_neighbourhood_feed",
            ),
            models.Index(
                fields=["challenge_id", "state", "-created_at", "-id"],
                name="post_challenge_feed",
            ),
            models.Index(
                fields=["author", "state", "-created_at", "-id"],
                name="post_author_feed",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_published(self) -> bool:
        return self.state == ContentState.PUBLISHED


class PostImage(models.Model):
    """A picture of a post, re-encoded without metadata, with its thumbnail."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(default=0)
    image = models.ImageField(
        _("image"), upload_to=image_path, width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(_("vignette"), upload_to=image_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt_text = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("image de publication")
        verbose_name_plural = _("images de publication")
        ordering = ["post", "position"]

    def __str__(self) -> str:
        return f"{self.post_id}/{self.position}"


class Comment(models.Model):
    """A comment on a post, or a reply to a comment (one level only)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("en réponse à"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    author = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField(_("texte"), max_length=COMMENT_MAX_LENGTH)
    mentions = models.JSONField(_("mentions"), default=list, blank=True)
    state = models.CharField(
        _("état"),
        max_length=16,
        choices=ContentState.choices,
        default=ContentState.PUBLISHED,
    )
    client_key = models.CharField(_("clé client"), max_length=CLIENT_KEY_MAX_LENGTH)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_key"], name="comment_unique_client_key"
            )
        ]
        indexes = [models.Index(fields=["post", "created_at", "id"])]

    def __str__(self) -> str:
        return self.body[:60]


class Reaction(models.Model):
    """One member's reaction of one kind to a post (toggled on and off)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(_("réaction"), max_length=16, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("réaction")
        verbose_name_plural = _("réactions")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member", "kind"], name="reaction_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.post_id}"
