from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    # The family.
    path("", views.family_calendar, name="family_calendar"),
    path("<int:pk>/", views.family_event, name="family_event"),
    path("<int:pk>/answer/", views.respond, name="respond"),
    path("<int:pk>/observations/", views.observations, name="observations"),
    path("files/<int:pk>/", views.observation_file, name="observation_file"),
    path("visits/<int:pk>/", views.family_visit, name="family_visit"),
    # Staff.
    path("staff/", views.staff_calendar, name="staff_calendar"),
    path("staff/new/", views.new_event, name="new_event"),
    path("staff/<int:pk>/", views.staff_event, name="staff_event"),
    path("staff/<int:pk>/move/", views.reschedule, name="reschedule"),
    path("staff/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("staff/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("staff/observations/<int:pk>/received/", views.acknowledge_observations, name="acknowledge_observations"),
    path("staff/help/<int:pk>/", views.help_arranged, name="help_arranged"),
    path("staff/visits/new/", views.new_visit, name="new_visit"),
    path("staff/visits/<int:pk>/", views.staff_visit, name="staff_visit"),
]
