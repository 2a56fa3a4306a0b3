"""Signals the higher apps listen to (membership never imports them).

``customer_status_changed(sender=Customer, customer, change, actor)`` is sent inside the
transaction of every status change (CUST-4), so that, for example, the points ledger can
clear a cancelled account (POINTS-10) in the same transaction.
``customer_moved(sender=Customer, customer, event, actor)`` is sent on an ownership transfer,
number change or cross-region move (CUST-6/7).
"""

from django.dispatch import Signal

customer_status_changed = Signal()
customer_moved = Signal()
# ``customer_left_gotone(sender=Customer, customer, last_day, actor)``: TIER-9, the line left
# the gotone brand after ``last_day``; plan subscriptions end with it.
customer_left_gotone = Signal()
# ``rating_committed(sender=RatingRun, run)``: a rating run's grants are written (sent on
# transaction commit), so the notices outbox can tell customers their new level (NOTICE-1).
rating_committed = Signal()
