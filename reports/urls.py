"""Residents' pages of reports: `/signalements/`."""

from django.urls import include, path

from reports import views, views_map

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("nouveau/", views.new_report, name="new"),
    path("nouveau/details/", views.new_report_details, name="new-details"),
    path("<int:report_id>/", views.detail, name="detail"),
    path("<int:report_id>/moi-aussi/", views.me_too, name="me-too"),
    path("<int:report_id>/suivre/", views.follow, name="follow"),
    path("<int:report_id>/precision/", views.add_note, name="note"),
]

# The town's map (issue 16) lives at /carte/, beside /signalements/: config/urls.py
# mounts this module at the site's root, the pages above under signalements/.
# Keep these lines last.
urlpatterns = [
    path("signalements/", include(urlpatterns)),
    path("carte/", views_map.map_page, name="map"),
    path("carte/signalements.geojson", views_map.map_data, name="map-data"),
]
