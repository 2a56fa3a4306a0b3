"""``{% idempotency_token %}``: the one-time token of a form that creates something
(core/idempotency.py, D-TRUST-1). Put it inside the ``<form>``, next to ``{% csrf_token %}``."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from core.idempotency import form_token_field

register = template.Library()


@register.simple_tag
def idempotency_token() -> SafeString:
    return form_token_field()
