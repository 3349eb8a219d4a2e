from django.urls import path

from challenges import views_dashboard, views_rewards

app_name = "challenges"

urlpatterns = [
    path("foyer/tableau-de-bord/", views_dashboard.dashboard, name="dashboard"),
    path("recompenses/", views_rewards.rewards, name="rewards"),
    path(
        "recompenses/<int:reward_id>/echanger/",
        views_rewards.redeem,
        name="redeem",
    ),
    path("recompenses/mes-bons/", views_rewards.codes, name="codes"),
    path("commercant/<str:token>/", views_rewards.shop, name="shop"),
]
