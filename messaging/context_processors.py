from django.utils import timezone

from portal.accounts.policies import may_see_family_data

from .selectors import unread_count


def unread_messages(request):
    user = getattr(request, "user", None)
    if user is None or not may_see_family_data(user):
        return {}
    return {"unread_messages": unread_count(user, now=timezone.now())}
