"""Loading a town's degree days from a `date;DJU` file in the Wagtail admin."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from community.models import TownPage
from scoring.actions import do_import_degree_days
from scoring.degree_days import check_degree_days

# Ten years of days is about 150 KB: a bigger file is not a DJU series.
MAX_FILE_BYTES = 1024 * 1024
PERMISSION = "scoring.add_degreeday"


def may_import_degree_days(user) -> bool:
    """Who may load a series: the add permission (superusers by default)."""
    return user.is_active and user.has_perm(PERMISSION)


class DegreeDayFileForm(forms.Form):
    town = forms.ModelChoiceField(
        label=gettext_lazy("Commune"), queryset=TownPage.objects.order_by("title")
    )
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV « date;DJU »"),
        help_text=gettext_lazy(
            "Une ligne par jour, par exemple 2026-01-15;7,4. Un jour déjà connu "
            "est remplacé ; une seule ligne invalide et rien n'est importé."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Fichier trop gros (1 Mo au plus)."))
        return upload


class DegreeDayImportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "scoring/admin/import_degree_days.html"
    page_title = gettext_lazy("Importer des degrés-jours (DJU)")
    header_icon = "date"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_import_degree_days(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = DegreeDayFileForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        checked = check_degree_days(form.cleaned_data["file"].read())
        if checked.errors:
            lines = [
                _("ligne %(line)d : %(message)s") % {"line": line, "message": message}
                for line, message in checked.errors[:50]
            ]
            return self.render_to_response(
                self.get_context_data(form=form, file_errors=lines)
            )
        town = form.cleaned_data["town"]
        result = do_import_degree_days(town, checked.rows)
        messages.success(
            request,
            _(
                "%(town)s : %(days)d jours importés (%(created)d nouveaux, "
                "%(updated)d modifiés, %(unchanged)d inchangés)."
            )
            % {
                "town": town.title,
                "days": len(checked.rows),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
        return HttpResponseRedirect(request.path)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", DegreeDayFileForm())
        return context
