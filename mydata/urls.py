from django.urls import path

from mydata import views

app_name = "mydata"

urlpatterns = [
    path("", views.home, name="home"),
    path("archive/", views.request_export, name="request_export"),
    path("archive/<uuid:export_id>/", views.download_export, name="download"),
    path("consentements/", views.consents, name="consents"),
    path("supprimer-mon-compte/", views.delete_account, name="delete_account"),
    path("confidentialite/", views.privacy, name="privacy"),
]
