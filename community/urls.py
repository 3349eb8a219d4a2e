from django.contrib.auth import views as auth_views
from django.urls import path

from community import views, welcome

urlpatterns = [
    path("compte/inscription/", views.sign_up, name="signup"),
    path("compte/connexion/", views.LoginView.as_view(), name="login"),
    path("compte/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("compte/profil/", views.profile, name="profile"),
    path("compte/langue/", views.set_language, name="set_language"),
    path(
        "compte/mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "compte/mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "compte/mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "compte/mot-de-passe/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("bienvenue/", welcome.welcome, name="welcome"),
    path("bienvenue/<slug:slug>/", welcome.welcome_step, name="welcome_step"),
    path("foyer/", views.my_household, name="household"),
    path("foyers/<str:public_id>/", views.household_detail, name="household_detail"),
    path(
        "foyers/<str:public_id>/domaines/",
        views.household_domains,
        name="household_domains",
    ),
]
