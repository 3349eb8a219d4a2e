"""« Nouvelle commune » in the Wagtail admin: superusers create a town."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import permission_denied
from django.views.generic import FormView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from community.new_town import check_create_town, parse_neighbourhood


class NewTownForm(forms.Form):
    title = forms.CharField(label=_("Nom de la commune"), max_length=255)
    hostname = forms.CharField(
        label=_("Nom d'hôte"),
        max_length=255,
        help_text=_("L'adresse du site de la commune, ex. lys.example.org."),
    )
    port = forms.IntegerField(label=_("Port"), initial=80, min_value=1, max_value=65535)
    neighbourhoods = forms.CharField(
        label=_("Quartiers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Un par ligne ; « Nom:foyers » pour donner les foyers recensés, "
            "ex. « Centre:520 »."
        ),
    )
    admin_email = forms.EmailField(
        label=_("E-mail de l'administrateur de la commune"),
        required=False,
        help_text=_("Facultatif ; un compte sans mot de passe est créé s'il manque."),
    )

    def clean_neighbourhoods(self) -> list:
        lines = self.cleaned_data["neighbourhoods"].splitlines()
        return [parse_neighbourhood(line) for line in lines if line.strip()]


class NewTownView(WagtailAdminTemplateMixin, FormView):
    template_name = "community/admin/new_town.html"
    form_class = NewTownForm
    page_title = _("Nouvelle commune")
    header_icon = "site"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_superuser:
            # A plain 403: Wagtail would turn a raised PermissionDenied into a
            # redirect to the dashboard.
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: NewTownForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            town = check_create_town(
                title=data["title"],
                hostname=data["hostname"],
                port=data["port"],
                neighbourhoods=data["neighbourhoods"],
                admin_email=data["admin_email"] or "",
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Commune « %(title)s » créée ; complétez ses réglages.")
            % {"title": town.title},
        )
        return redirect(reverse("wagtailadmin_pages:edit", args=[town.pk]))
