from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_centre, name="centre"),
    path("read/", views.mark_all_read, name="mark_all_read"),
]
