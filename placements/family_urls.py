from django.urls import path

from . import family_views

app_name = "families"
urlpatterns = [
    path("to-call/", family_views.families_to_call, name="to_call"),
    path("thanks/", family_views.thanks, name="thanks"),
    path("thanks/<int:pk>/", family_views.send_thanks, name="send_thanks"),
]
