"""CUST-8 template filters: ``{{ customer.id_number|mask_id }}``, ``{{ customer.name|mask_name }}``.

Both take an optional flag that shows the value in full when true, for the explicit
supervisor reveal of D-CUST-8: ``{{ customer.name|mask_name:revealed }}`` where the view
set ``revealed = personal_data_revealed(request, customer)``.
"""

from __future__ import annotations

from django import template

from membership import masking

register = template.Library()


@register.filter
def mask_id(value: str | None, revealed: bool = False) -> str:
    return (value or "") if revealed else masking.mask_id(value)


@register.filter
def mask_name(value: str | None, revealed: bool = False) -> str:
    return (value or "") if revealed else masking.mask_name(value)
