from django.urls import path  # noqa: F401 - the app's pages come with issue 18

app_name = "referents"

# Under /questions/ (config/urls.py).
urlpatterns: list = []
