from django.urls import path

from . import views

app_name = "inquiries"
urlpatterns = [
    # Public: no account.
    path("inquire/", views.inquire, name="inquire"),
    path("inquire/status/<str:token>/", views.status, name="status"),
    path("inquire/link/", views.resend_link, name="resend"),
    path("inquire/received/", views.received, name="received"),
    # Staff.
    path("inquiries/", views.queue, name="queue"),
    path("inquiries/<int:pk>/", views.detail, name="detail"),
    path("inquiries/<int:pk>/stage/", views.move, name="move"),
    path("inquiries/<int:pk>/promise/", views.promise, name="promise"),
    path("inquiries/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("inquiries/<int:pk>/new-link/", views.new_link, name="new_link"),
    path("inquiries/steps/<int:pk>/done/", views.step_done, name="step_done"),
    path("inquiries/funnel/", views.funnel, name="funnel"),
    path("inquiries/funnel.csv", views.funnel_csv, name="funnel_csv"),
]
