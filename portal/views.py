from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from portal.accounts.models import Role


@login_required
def home(request):
    """Send each person to the page their day starts on."""
    role = request.user.role
    if role == Role.RESOURCE_PARENT:
        return redirect("followups:family_home")
    if role in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        return redirect("followups:my_team")
    return redirect("followups:my_day")
