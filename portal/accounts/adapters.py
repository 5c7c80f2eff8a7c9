from allauth.account.adapter import DefaultAccountAdapter


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Families do not sign up freely; an invitation from staff creates the account."""

    def is_open_for_signup(self, request):
        return False
