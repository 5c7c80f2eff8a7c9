from django.urls import path

from . import views

app_name = "satisfaction"
urlpatterns = [
    path("survey/<str:token>/", views.survey, name="survey"),
    path("reports/satisfaction/", views.results, name="results"),
]
