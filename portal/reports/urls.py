from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("service/", views.service_report, name="service"),
    path("service/csv/", views.service_report_csv, name="service_csv"),
    path("service/promises/", views.service_report_promises, name="service_promises"),
]
