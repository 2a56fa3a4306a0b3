"""Writes of the points ledger, one module per topic; import them from here."""

from points.services.accrual import accrual_summary, points_accrue
from points.services.clearing import account_clear
from points.services.expiry import expiry_summary, points_expire
from points.services.reconcile import ledger_totals, lots_reconcile
from points.services.redemptions import (
    redemption_cancel,
    redemption_create,
    redemption_fulfil,
    redemption_quote,
    redemption_refusal,
    redemption_set_status,
)
from points.services.transfers import (
    transfer_create,
    transfer_recipient_register,
    transfer_recipient_remove,
)
from points.services.valuation import valuation_set

__all__ = [
    "account_clear",
    "accrual_summary",
    "expiry_summary",
    "ledger_totals",
    "lots_reconcile",
    "points_accrue",
    "points_expire",
    "redemption_cancel",
    "redemption_create",
    "redemption_fulfil",
    "redemption_quote",
    "redemption_refusal",
    "redemption_set_status",
    "transfer_create",
    "transfer_recipient_register",
    "transfer_recipient_remove",
    "valuation_set",
]
