from django.urls import path

from localshops import views

app_name = "localshops"

# At the site's root (config/urls.py): the French prefix is in each path.
urlpatterns = [
    path("commerces/", views.directory, name="directory"),
    path("commerces/carte/", views.business_map, name="map"),
    path("commerces/de-saison/", views.seasonal, name="seasonal"),
    path("commerces/achat-local/", views.buy_local, name="buy"),
    path("commerces/achats/<int:purchase_id>/ticket/", views.receipt, name="receipt"),
    path("commerces/<int:business_id>/", views.detail, name="detail"),
]
