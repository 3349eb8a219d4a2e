"""Residents' moderation pages: report an item, read a decision and appeal it."""

from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path(
        "signaler/<str:kind>/<int:object_id>/",
        views.report,
        name="report",
    ),
    path("moderation/decisions/<int:decision_id>/", views.decision, name="decision"),
]
