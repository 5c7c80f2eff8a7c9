from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("households/<int:household_pk>/invite/", views.invite, name="invite"),
    path("absences/", views.absences, name="absences"),
    path("language/", views.set_language, name="set_language"),
]
