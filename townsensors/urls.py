"""The town's sensor pages (`/capteurs/`) and the gateways' door
(`/api/sensors/v1/readings`)."""

from django.urls import path

from townsensors import api, views

app_name = "townsensors"

urlpatterns = [
    path("capteurs/", views.sensor_list, name="list"),
    path("capteurs/<int:sensor_id>/", views.sensor_detail, name="detail"),
    path("api/sensors/v1/readings", api.readings, name="api-readings"),
]
