"""The websocket routes; config/asgi.py wraps them in the origin check and auth."""

from django.urls import path

from realtime.consumers import RealtimeConsumer

websocket_urlpatterns = [path("ws/", RealtimeConsumer.as_asgi())]
