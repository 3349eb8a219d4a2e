from django.urls import path  # noqa: F401 - the app's pages come with issue 18

app_name = "carpool"

# Under /covoiturage/ (config/urls.py).
urlpatterns: list = []
