"""Chat: one room per neighbourhood, direct conversations between two members."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Member, Neighbourhood, TownPage

MESSAGE_MAX_LENGTH = 2000


class RoomKind(models.TextChoices):
    NEIGHBOURHOOD = "neighbourhood", _("Salon de quartier")
    DIRECT = "direct", _("Message privé")


class ChatRoom(models.Model):
    """A neighbourhood's room (stream `room:<id>`) or a conversation (`dm:<id>`)."""

    town = models.ForeignKey(TownPage, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=RoomKind.choices)
    neighbourhood = models.OneToOneField(
        Neighbourhood,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chat_room",
    )
    # A direct conversation's two members, the smaller id first, so that a pair
    # has one conversation whoever writes first.
    member_low = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    member_high = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    last_message_id = models.BigIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("salon")
        verbose_name_plural = _("salons")
        constraints = [
            models.UniqueConstraint(
                fields=["member_low", "member_high"], name="chatroom_unique_pair"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="neighbourhood",
                        neighbourhood__isnull=False,
                        member_low__isnull=True,
                        member_high__isnull=True,
                    )
                    | Q(
                        kind="direct",
                        neighbourhood__isnull=True,
                        member_low__lt=F("member_high"),
                    )
                ),
                name="chatroom_kind_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def is_direct(self) -> bool:
        return self.kind == RoomKind.DIRECT

    def other_member_id(self, member_id: int) -> int | None:
        if not self.is_direct:
            return None
        return (
            self.member_high_id
            if self.member_low_id == member_id
            else self.member_low_id
        )


class ChatMessage(models.Model):
    """A message, stored (and committed) before anyone is shown it."""

    room = models.ForeignKey(
        ChatRoom, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    client_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_key"], name="chatmessage_unique_client_key"
            )
        ]
        indexes = [models.Index(fields=["room", "-id"])]

    def __str__(self) -> str:
        return self.body[:60]


class ReadMarker(models.Model):
    """The newest message of a room a member has seen."""

    room = models.ForeignKey(ChatRoom, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "member"], name="readmarker_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.room_id}: {self.last_read_id}"
