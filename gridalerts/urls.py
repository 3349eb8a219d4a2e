from django.urls import path

from gridalerts import views

app_name = "gridalerts"

urlpatterns = [
    path("alertes-reseau/", views.opt_in, name="opt_in"),
]
