from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import services
from .messages import headline_and_text
from .selectors import notifications_for


@login_required
def notification_centre(request):
    page = Paginator(notifications_for(request.user), 25).get_page(request.GET.get("page"))
    for notification in page:
        notification.headline, notification.text = headline_and_text(notification)
    return render(request, "notifications/centre.html", {"page": page})


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(user=request.user)
    return redirect("notifications:centre")
