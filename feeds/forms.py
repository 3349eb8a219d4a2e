"""Forms of the feeds pages; the actions re-check everything they are given."""

import re
import uuid
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.trust import Capabilities, capabilities
from community.domains import Domain
from community.models import Member, Neighbourhood
from feeds.images import check_post_image
from feeds.models import NotificationChannel, NotificationKind, PostTarget
from feeds.models.chat import MESSAGE_MAX_LENGTH
from feeds.models.posts import (
    BODY_MAX_LENGTH,
    CLIENT_KEY_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    CONTENT_WARNING_MAX_LENGTH,
    MAX_IMAGES,
)


def new_client_key() -> str:
    return uuid.uuid4().hex


class Place(NamedTuple):
    """A neighbourhood as the post form lists it."""

    pk: int
    name: str


def note_links(form: forms.Form, can: Capabilities | None) -> None:
    """Say beside the text field when a new member's links become possible."""
    form.can = can
    if can is None or can.links:
        return
    field = form.fields["body"]
    field.help_text = " ".join(
        str(part) for part in (field.help_text, can.links_note) if part
    )


class ClientKeyMixin(forms.Form):
    # Rendered once with the form and sent back with every retry of the same
    # submission: the action stores the item once per key.
    client_key = forms.CharField(
        max_length=CLIENT_KEY_MAX_LENGTH, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs) -> None:
        initial = dict(kwargs.get("initial") or {})
        initial.setdefault("client_key", new_client_key())
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)

    def kept_key(self) -> tuple | None:
        """What a blank form's HTML depends on besides its client key, for
        `{% kept_form %}` (community/kept.py); None: render it each time."""
        return None

    @classmethod
    def from_kept_key(cls, key: tuple, client_key: str) -> "ClientKeyMixin":
        """A blank form built from `kept_key()` alone, with this client key."""
        raise NotImplementedError


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleImageInput

    def clean(self, data, initial=None) -> list:
        if not data:
            files = []
        elif isinstance(data, list | tuple):
            files = [item for item in data if item]
        else:
            files = [data]
        if len(files) > MAX_IMAGES:
            raise ValidationError(
                _("%(max)d images au plus par publication.") % {"max": MAX_IMAGES}
            )
        for upload in files:
            check_post_image(upload)
        return files


class PlaceField(forms.ChoiceField):
    """Where to post: the listed places, or any challenge id (the action checks
    that it is a live challenge of the member's town)."""

    def valid_value(self, value: str) -> bool:
        return super().valid_value(value) or bool(
            re.fullmatch(r"challenge:[1-9][0-9]{0,17}", str(value))
        )


class PostForm(ClientKeyMixin):
    body = forms.CharField(
        label=_("Votre message"),
        max_length=BODY_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Texte simple : les liens deviennent cliquables, @Nom mentionne un "
            "habitant. %(max)d caractères au plus."
        )
        % {"max": BODY_MAX_LENGTH},
    )
    where = PlaceField(label=_("Publier dans"))
    domain = forms.ChoiceField(
        label=_("Domaine (facultatif)"),
        choices=[("", _("Aucun en particulier")), *Domain.choices],
        required=False,
        help_text=_(
            "Les foyers qui ont choisi ce domaine verront votre message en premier."
        ),
    )
    content_warning = forms.CharField(
        label=_("Avertissement (facultatif)"),
        max_length=CONTENT_WARNING_MAX_LENGTH,
        required=False,
        help_text=_("Le message sera replié derrière cet avertissement."),
    )
    images = MultipleImageField(
        label=_("Images (facultatif)"),
        required=False,
        help_text=_(
            "%(max)d au plus, JPEG, PNG, WebP ou GIF, 8 Mo chacune. Leur position "
            "GPS est effacée."
        )
        % {"max": MAX_IMAGES},
    )

    def __init__(
        self,
        *args,
        neighbourhoods,
        fixed: str | None = None,
        can: Capabilities | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._made_with = (neighbourhoods, fixed, can)
        # Offer only what the member may do (moderation.trust); the action
        # still refuses a forged picture or link.
        self.can = can
        if can is not None and not can.images:
            del self.fields["images"]
        note_links(self, can)

        def places() -> list[tuple[str, str]]:
            town = [(PostTarget.TOWN.value, _("Toute la commune"))]
            return town + [(f"neighbourhood:{n.pk}", n.name) for n in neighbourhoods]

        # Read when the list is shown or a choice checked: a form fixed to one
        # place (a neighbourhood's page) shows a hidden field, and no query.
        self.fields["where"].choices = places
        if "images" in self.fields:
            self.fields["images"].widget.attrs["accept"] = "image/*"
        if fixed is not None:
            self.fields["where"].initial = fixed
            self.fields["where"].widget = forms.HiddenInput()
            if fixed.startswith("challenge:"):
                # A challenge's post takes the challenge's domain (the action).
                del self.fields["domain"]

    @classmethod
    def for_member(cls, member: Member, *args, **kwargs) -> "PostForm":
        """The form as this member may use it (no picture field at level 0)."""
        return cls(*args, can=capabilities(member), **kwargs)

    def kept_key(self) -> tuple | None:
        neighbourhoods, fixed, can = self._made_with
        if (
            self.is_bound
            or type(self) is not PostForm
            or set(self.initial) != {"client_key"}
        ):
            return None
        # The places are listed only when the form is not fixed to one.
        places = (
            tuple((n.pk, n.name) for n in neighbourhoods) if fixed is None else None
        )
        return (can, fixed, places)

    @classmethod
    def from_kept_key(cls, key: tuple, client_key: str) -> "PostForm":
        can, fixed, places = key
        return cls(
            neighbourhoods=[Place(pk, name) for pk, name in places or ()],
            fixed=fixed,
            can=can,
            initial={"client_key": client_key},
        )

    def target(self) -> dict:
        """The action's target arguments from the chosen place."""
        where = self.cleaned_data["where"]
        if where.startswith("challenge:"):
            return {
                "target": PostTarget.CHALLENGE,
                "challenge_id": int(where.split(":", 1)[1]),
            }
        if where.startswith("neighbourhood:"):
            return {
                "target": PostTarget.NEIGHBOURHOOD,
                "neighbourhood_id": int(where.split(":", 1)[1]),
            }
        return {"target": PostTarget.TOWN}


class CommentForm(ClientKeyMixin):
    body = forms.CharField(
        label=_("Votre commentaire"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, can: Capabilities | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        note_links(self, can)

    def kept_key(self) -> tuple | None:
        extra = set(self.initial) - {"client_key", "parent"}
        if self.is_bound or type(self) is not CommentForm or extra:
            return None
        parent = self.initial.get("parent")
        if parent is not None and type(parent) is not int:
            return None
        return (self.can, parent)

    @classmethod
    def from_kept_key(cls, key: tuple, client_key: str) -> "CommentForm":
        can, parent = key
        initial = {"client_key": client_key}
        if parent is not None:
            initial["parent"] = parent
        return cls(initial=initial, can=can)


class EditPostForm(forms.Form):
    body = forms.CharField(
        label=_("Votre message"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    content_warning = forms.CharField(
        label=_("Avertissement (facultatif)"),
        max_length=CONTENT_WARNING_MAX_LENGTH,
        required=False,
    )


class MessageForm(ClientKeyMixin):
    body = forms.CharField(
        label=_("Votre message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, can: Capabilities | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        note_links(self, can)


class PreferencesForm(forms.Form):
    def __init__(self, *args, current: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=NotificationChannel.choices,
                initial=current.get(kind.value, NotificationChannel.SITE),
                widget=forms.RadioSelect,
            )


def neighbourhood_choices(town_id: int):
    return Neighbourhood.objects.filter(town_id=town_id).order_by("name")
