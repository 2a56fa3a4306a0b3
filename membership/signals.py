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
