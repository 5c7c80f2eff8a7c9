from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views

# The admin's own sign-in form would skip the second factor: send it through the portal's sign-in.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accounts/", include("allauth.urls")),
    path("people/", include("portal.accounts.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("", include("portal.followups.urls")),
    path("messages/", include("messaging.urls")),
    path("", include("inquiries.urls")),
    path("children/", include("placements.urls")),
    path("calendar/", include("placements.events.urls")),
    path("families/", include("placements.family_urls")),
    path("money/", include("reimbursements.urls")),
    path("reports/", include("portal.reports.urls")),
    path("", include("portal.satisfaction.urls")),
    path("admin/", admin.site.urls),
]
