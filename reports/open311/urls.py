"""`/open311/v2/`: GeoReport v2, each endpoint in `.json` and `.xml`."""

from django.urls import re_path

from reports.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>[A-Za-z0-9]{1,10})$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(
        r"^services/(?P<code>[A-Za-z0-9_-]{1,40})" + FMT,
        views.service_definition,
        name="service",
    ),
    re_path(r"^requests" + FMT, views.service_requests, name="requests"),
    re_path(
        r"^requests/(?P<report_id>[0-9]{1,9})" + FMT,
        views.service_request_detail,
        name="request",
    ),
    re_path(r"^tokens/(?P<token>[0-9A-Fa-f-]{1,40})" + FMT, views.token, name="token"),
]
