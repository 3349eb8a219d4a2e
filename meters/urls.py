"""« Mes compteurs »: a household's own meter data (docs/meters.md)."""

from django.urls import path

from meters import views_index, views_upload

app_name = "meters"

urlpatterns = [
    path("foyer/compteurs/", views_upload.home, name="home"),
    path("foyer/compteurs/fichier/", views_upload.upload, name="upload"),
    path(
        "foyer/compteurs/fichier/<uuid:upload_id>/",
        views_upload.preview,
        name="preview",
    ),
    path("foyer/compteurs/index/", views_index.add_index, name="index"),
]
