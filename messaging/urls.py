from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("calls-and-letters/new/", views.record_contact, name="record_contact"),
]
