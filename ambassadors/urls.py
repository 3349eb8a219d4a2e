from django.urls import path

from ambassadors import views, views_meters, views_public

app_name = "ambassadors"

# Under /ambassadeurs/: the index page of the ambassadors (a Wagtail page with
# the slug "ambassadeurs") answers the rest; "tournee" and "mon-foyer" are
# reserved slugs, and "<ambassador slug>/suivre/" is the follow form's target.
urlpatterns = [
    path("tournee/", views.home, name="home"),
    path("tournee/visites/", views.visit_list, name="visits"),
    path("tournee/visites/nouvelle/", views.visit_new, name="visit_new"),
    path("tournee/visites/<int:visit_id>/", views.visit_detail, name="visit"),
    path("tournee/rappels/", views.call_back_list, name="call_backs"),
    path("tournee/foyers/", views.household_list, name="households"),
    path("tournee/foyers/nouveau/", views.pre_register, name="pre_register"),
    path("tournee/foyers/<str:public_id>/", views.household_detail, name="household"),
    path("tournee/foyers/<str:public_id>/carte/", views.card, name="card"),
    path(
        "tournee/foyers/<str:public_id>/index/",
        views_meters.meter_index,
        name="meter_index",
    ),
    path("tournee/couverture/", views.dashboard, name="dashboard"),
    path("tournee/couverture.csv", views.dashboard_csv, name="dashboard_csv"),
    path("mon-foyer/", views.resident_overview, name="resident"),
    path(
        "mon-foyer/actions/<int:action_id>/contester/",
        views.resident_contest,
        name="resident_contest",
    ),
    path("mon-foyer/quitter/", views.resident_leave, name="resident_leave"),
    # Under an ambassador's page (/ambassadeurs/<slug>/): the page has no
    # sub-pages, so this shadows none. Last, after the reserved slugs.
    path("<slug:slug>/suivre/", views_public.follow, name="follow"),
]
