from django.urls import path

from . import views

app_name = "followups"
urlpatterns = [
    path("family/", views.family_home, name="family_home"),
    path("my-day/", views.my_day, name="my_day"),
    path("my-team/", views.my_team, name="my_team"),
    path("my-team/<int:worker_pk>/", views.team_worker, name="team_worker"),
    path("promises/<int:pk>/", views.commitment, name="commitment"),
    path("promises/<int:pk>/met/", views.meet, name="meet"),
    path("promises/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("promises/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("promises/<int:pk>/still-waiting/", views.still_waiting, name="still_waiting"),
]
