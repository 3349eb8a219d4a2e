"""`/api/scoring/v1/`: the scoring-core contract served by the embedded engine."""

from django.urls import path, re_path

from scoring.api import views

app_name = "scoring"

urlpatterns = [
    path("", views.root, name="root"),
    path(
        "households/<str:household_id>",
        views.erase_household,
        name="household",
    ),
    path(
        "households/<str:household_id>/points",
        views.household_points,
        name="household-points",
    ),
    path(
        "households/<str:household_id>/sensors",
        views.household_sensors,
        name="household-sensors",
    ),
    path(
        "households/<str:household_id>/readings",
        views.household_readings,
        name="household-readings",
    ),
    path(
        "neighbourhoods/<int:neighbourhood_id>/summary",
        views.neighbourhood_summary,
        name="neighbourhood-summary",
    ),
    path("leaderboards/<int:challenge_id>", views.leaderboard, name="leaderboard"),
    path("actions", views.log_action, name="actions"),
    path("confirmations", views.confirm_action, name="confirmations"),
    path("redemptions", views.redeem, name="redemptions"),
    path("sensors/readings", views.sensor_readings, name="sensor-readings"),
    path("towns/<int:town_id>/sensors", views.town_sensors, name="town-sensors"),
    # Last: keeps unknown API paths away from Wagtail's page serving.
    re_path(r"^(?P<rest>.*)$", views.unknown_path),
]
