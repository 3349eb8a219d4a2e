from django.urls import path

from localtv import views

app_name = "localtv"

# Under /tele-locale/ (config/urls.py), before Wagtail's pages: the channel page
# itself (/tele-locale/, /tele-locale/mode-tele/) and its videos are pages.
urlpatterns = [
    path("tele-locale/proposer/", views.propose, name="propose"),
]
