from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.documents import urls as wagtaildocs_urls

from community.admin_towns import superusers_only
from config import dbfaults, favicon, health

# The database out of reach in a middleware: 503 « réessayez », not 500.
handler500 = dbfaults.server_error

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    # Wagtail's « page types usage » report names the last edited page of each
    # type in every town, and has no hook to scope it: superusers only (placed
    # before the admin's own route, which it shadows).
    path(
        "admin/reports/page-types-usage/",
        superusers_only(PageTypesUsageReportView.as_view()),
        name="page_types_usage_superusers",
    ),
    path(
        "admin/reports/page-types-usage/results/",
        superusers_only(PageTypesUsageReportView.as_view(results_only=True)),
        name="page_types_usage_results_superusers",
    ),
    # « Historique du site » lists the log entries of every snippet whose model
    # the user may change, in every town, under the row's name: the same.
    path(
        "admin/reports/site-history/",
        superusers_only(LogEntriesView.as_view()),
        name="site_history_superusers",
    ),
    path(
        "admin/reports/site-history/results/",
        superusers_only(LogEntriesView.as_view(results_only=True)),
        name="site_history_results_superusers",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("api/scoring/v1/", include("scoring.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", include("search.urls")),
    path("", include("community.urls")),
    path("ambassadeurs/", include("ambassadors.urls")),
    path("", include("feeds.urls")),
    path("", include("challenges.urls")),
    path("", include("moderation.urls")),
    path("mes-donnees/", include("mydata.urls")),
    path("", include("meters.urls")),
    path("", include("reports.urls")),  # /signalements/…, /carte/…
    path("open311/v2/", include("reports.open311.urls")),
    path("", include("townsensors.urls")),
    path("", include("pwa.urls")),  # /manifest.webmanifest, /sw.js, /hors-ligne/
    path("", include("push.urls")),  # /notifications/appareils/…
    path("", include("gridalerts.urls")),  # /alertes-reseau/…
    # Local life (issue 18): each app's paths carry their own French prefix.
    path("", include("referents.urls")),  # /questions/…
    path("", include("events.urls")),  # /evenements/…
    path("", include("carpool.urls")),  # /covoiturage/…
    path("", include("localshops.urls")),  # /commerces/…
    path("", include("localtv.urls")),  # /tele-locale/…
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving last: every other URL wins over a page slug.
urlpatterns += [path("", include(wagtail_urls))]
