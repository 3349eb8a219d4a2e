"""Residents' pages of reports: `/signalements/`."""

from django.urls import path

from reports import views

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
