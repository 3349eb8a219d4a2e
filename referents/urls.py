from django.urls import path

from referents import views

app_name = "referents"

# At the root (config/urls.py): the French prefix is ours.
urlpatterns = [
    path("questions/", views.question_list, name="list"),
    path("questions/poser/", views.ask, name="ask"),
    path("questions/<int:pk>/", views.question_detail, name="question"),
    path("questions/<int:pk>/repondre/", views.answer, name="answer"),
    path("questions/<int:pk>/astuce/", views.make_tip, name="make_tip"),
    path("questions/reponses/<int:pk>/aide/", views.helpful, name="helpful"),
    path("questions/reponses/<int:pk>/solution/", views.solution, name="solution"),
]
