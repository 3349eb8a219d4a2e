"""Car-pooling between neighbours: `/covoiturage/` (docs/carpool.md)."""

from django.urls import include, path

from carpool import views

app_name = "carpool"

pages = [
    path("", views.trip_list, name="list"),
    path("proposer/", views.new_trip, name="new"),
    path("mes-trajets/", views.my_trips, name="mine"),
    path("<int:trip_id>/", views.trip_detail, name="detail"),
    path("<int:trip_id>/fermer/", views.close_trip, name="close"),
    path(
        "correspondances/<int:match_id>/trajet-fait/",
        views.propose_ride,
        name="propose-ride",
    ),
    path(
        "trajets-faits/<int:ride_id>/confirmer/",
        views.confirm_ride,
        name="confirm-ride",
    ),
]

# config/urls.py mounts this module at the site's root.
urlpatterns = [path("covoiturage/", include(pages))]
