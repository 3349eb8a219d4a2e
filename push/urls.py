from django.urls import path

from push import views

app_name = "push"

urlpatterns = [
    path("notifications/appareils/", views.devices, name="devices"),
    path(
        "notifications/appareils/<int:device_id>/supprimer/",
        views.remove_device,
        name="remove_device",
    ),
    path("notifications/appareils/abonnement/", views.subscribe, name="subscribe"),
    path("notifications/push/", views.preferences, name="preferences"),
]
