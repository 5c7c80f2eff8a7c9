"""What placements tell apps that build on them (reimbursements), without importing them.

Both are sent inside the placement's transaction, so whatever a receiver writes commits or
rolls back with the placement itself.
"""

from django.dispatch import Signal

# placement, actor, now: a child was placed with a family (the clothing allowance starts here).
placement_started = Signal()
# placement, actor, now, reason: the dates a placement covers changed (it ended, or was corrected).
placement_dates_changed = Signal()
