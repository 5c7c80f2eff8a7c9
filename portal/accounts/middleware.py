from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from .policies import has_passed_mfa_setup


class UserLanguageMiddleware:
    """Signed-in people read the portal in the language saved on their account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class StaffMustUseMFAMiddleware:
    """Staff accounts set up two-factor authentication before they see any family data."""

    ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/favicon", "/health/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_agency_staff
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not has_passed_mfa_setup(user)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?required=1")
        return self.get_response(request)
