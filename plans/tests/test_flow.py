"""The issue's "done when": from the customer card to an effective plan change whose level
appears on the card when it takes effect."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.dates import add_months, month_start
from plans.tests.conftest import customer_in, plan

pytestmark = pytest.mark.django_db


def test_a_clerk_takes_a_customer_from_the_card_to_an_effective_plan_and_its_level(
    clerk: Any,
) -> None:
    customer = customer_in("常州")
    client = Client()
    client.force_login(clerk)
    card_url = reverse("membership:customer_card", kwargs={"msisdn": customer.msisdn})
    order_url = reverse("plans:order", kwargs={"msisdn": customer.msisdn})
    card = client.get(card_url).content.decode()
    assert order_url in card  # the plan panel links to the order form

    client.post(order_url, {"plan": plan("bt-388").pk, "channel": "counter"})
    first = add_months(month_start(timezone.localdate()), 1)
    assert "全球通商旅388套餐" in client.get(card_url).content.decode()  # pending change

    out = StringIO()
    call_command("plans_apply_changes", "--date", first.isoformat(), stdout=out)
    assert "1 in force" in out.getvalue()

    on_first = client.get(card_url, {"on": first.isoformat()}).content.decode()
    day_before = first - timedelta(days=1)
    on_day_before = client.get(card_url, {"on": day_before.isoformat()}).content.decode()
    assert "level-gold" in _title(on_first)
    assert "level-gold" not in _title(on_day_before)


def _title(html: str) -> str:
    """The level badge next to the number at the top of the card."""
    start = html.index('class="customer-title"')
    return html[start : html.index("</div>", start)]
