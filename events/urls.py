from django.urls import path

from events import views

app_name = "events"

# The pages themselves are Wagtail's (/evenements/… under each town); these
# are the calendar files, which Wagtail's page URLs (ending in "/") cannot serve.
urlpatterns = [
    path("evenements/calendrier.ics", views.town_calendar, name="calendar"),
    path("evenements/<int:event_id>/evenement.ics", views.event_ics, name="ics"),
]
