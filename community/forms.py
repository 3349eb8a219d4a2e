from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from community.actions import check_invitation_usable, find_invitation
from community.domains import Domain
from community.models import Member, Neighbourhood, Role, TownPage
from community.queries import town_neighbourhoods
from community.towns import policy


class SignUpForm(forms.Form):
    code = forms.CharField(
        label=_("Code d'invitation"),
        max_length=20,
        required=False,
        help_text=_("Le code inscrit sur la carte remise par votre ambassadeur."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters"}
        ),
    )
    display_name = forms.CharField(
        label=_("Nom affiché"),
        max_length=60,
        help_text=_(
            "Le nom que les autres habitants verront, par exemple « Anne B. »."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 8 caractères, pas uniquement des chiffres."),
    )
    password2 = forms.CharField(
        label=_("Mot de passe (confirmation)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Quartier"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("— Choisissez votre quartier —"),
        help_text=_("Seulement si vous n'avez pas de code d'invitation."),
    )
    domains = forms.MultipleChoiceField(
        label=_("Où souhaitez-vous agir ?"),
        choices=Domain.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, town: TownPage, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.town = town
        self.invitation = None
        self.open_signup = policy(town).open_signup
        if self.open_signup:
            self.fields["neighbourhood"].queryset = town_neighbourhoods(town)
        else:
            del self.fields["neighbourhood"]
            del self.fields["domains"]
            self.fields["code"].required = True

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if code:
            self.invitation = find_invitation(self.town, code)
            check_invitation_usable(self.invitation)
        return code

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(username__iexact=email).exists():
            raise ValidationError(
                _("Un compte existe déjà avec cette adresse e-mail."),
                code="email_taken",
            )
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Les deux mots de passe diffèrent."))
        elif first:
            user = User(
                username=cleaned.get("email", ""), email=cleaned.get("email", "")
            )
            try:
                password_validation.validate_password(first, user)
            except ValidationError as error:
                self.add_error("password1", error)
        no_code = "code" in cleaned and not cleaned["code"]
        if self.open_signup and no_code and not cleaned.get("neighbourhood"):
            self.add_error(
                "neighbourhood",
                _("Choisissez votre quartier, ou saisissez un code d'invitation."),
            )
        return cleaned


class LoginForm(AuthenticationForm):
    """Log in with an e-mail address; a member of another town is turned away."""

    username = forms.CharField(
        label=_("Adresse e-mail"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Attention aux majuscules."
        ),
        "inactive": _("Ce compte est désactivé."),
        "other_town": _("Ce compte appartient à une autre commune."),
    }

    def __init__(self, request=None, *args, town: TownPage | None = None, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.town = town

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        member = Member.objects.filter(user=user).only("town_id").first()
        if (
            member is not None
            and self.town is not None
            and member.town_id != self.town.pk
        ):
            raise ValidationError(self.error_messages["other_town"], code="other_town")


class ProfileForm(forms.ModelForm):
    avatar = forms.ImageField(
        label=_("Photo de profil"),
        required=False,
        help_text=_(
            "JPEG, PNG, WebP ou GIF, 5 Mo au plus. Sa position GPS est effacée."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    remove_avatar = forms.BooleanField(label=_("Retirer ma photo"), required=False)

    class Meta:
        model = Member
        fields = ["display_name", "preferred_language"]


class WelcomeDomainsForm(forms.Form):
    """Welcome, step 1: where the household acts, among the town's domains."""

    domains = forms.MultipleChoiceField(
        label=_("Où votre foyer souhaite-t-il agir ?"),
        help_text=_(
            "Cochez un ou plusieurs domaines ; vous pourrez changer plus tard."
        ),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _(
                "Cochez au moins un domaine, ou passez cette étape pour l'instant."
            )
        },
    )

    def __init__(self, *args, town: TownPage, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offered = set(town.domains or Domain.values)
        self.fields["domains"].choices = [
            (value, label) for value, label in Domain.choices if value in offered
        ]


class HouseholdDomainsForm(WelcomeDomainsForm):
    """The household page: change where the household acts (none: everything)."""

    def __init__(self, *args, town: TownPage, **kwargs) -> None:
        super().__init__(*args, town=town, **kwargs)
        field = self.fields["domains"]
        field.required = False
        field.label = _("Les domaines de notre foyer")
        field.help_text = _(
            "Les astuces, les défis et « Mon fil » montrent d'abord ces domaines. "
            "Aucune case cochée : vous voyez tout, dans l'ordre habituel."
        )
        field.error_messages["invalid_choice"] = _(
            "« %(value)s » n'est pas un domaine proposé dans votre commune."
        )


class WelcomeChallengeForm(forms.Form):
    """Welcome, step 3: the challenge the household joins (one button per offer)."""

    challenge = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class GrantRoleForm(forms.Form):
    """Give a role of a town to an existing account, found by its e-mail."""

    email = forms.EmailField(label=_("Adresse e-mail du compte"), max_length=254)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)


class RevokeRoleForm(forms.Form):
    user = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=Role.choices, widget=forms.HiddenInput)
