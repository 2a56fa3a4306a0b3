"""TIER-9 / TIER-10: why a grant ended is shown in words of the active language; the stored
reason stays the audit record (rule ID and English note, issue 17's language item)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import translation

from core import clock
from membership.models import GrantSource, LevelGrant, Status
from membership.selectors.levels import grant_end_text
from membership.selectors.timeline import timeline_entries
from membership.services.customers import customer_set_status
from membership.services.grants import grant_create
from tests.factories import CustomerFactory

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        ("TIER-9: line cancelled", "号码已销户"),
        ("TIER-9: left the gotone brand", "号码已离开全球通品牌"),
        ("TIER-11: level rose", "已由更高级别取代"),
        ("TIER-6: no longer a key person", "已不是关键人"),
        ("TIER-6: group class A → B", "集团类别由 A 类改为 B 类"),
        ("TIER-5: replaced by order #42", "已由套餐订单 42 号取代"),
        ("TIER-5: plan changed on 2026-03-01 (plans_apply_changes)", "套餐于 2026-03-01 变更"),
        ("TIER-2: something new", "按规则 TIER-2 结束"),
        ("客户要求", "客户要求"),  # typed by a person: shown as typed
        ("", ""),
    ],
)
def test_tier_10_end_reasons_in_words(reason: str, shown: str) -> None:
    with translation.override("zh-hans"):
        assert grant_end_text(reason) == shown


@pytest.mark.django_db
def test_tier_9_a_cancelled_lines_grant_ends_in_words_on_the_timeline(clerk: object) -> None:
    customer = CustomerFactory.create()
    today = clock.today()
    grant_create(
        customer=customer,
        level="gold",
        source=GrantSource.ANNUAL,
        valid_from=date(today.year - 1, 1, 1),
        reason="TIER-3: test grant",
    )
    customer_set_status(customer=customer, status=Status.CANCELLED, actor=clerk)
    grant = LevelGrant.objects.get(customer=customer)
    assert grant.end_reason.startswith("TIER-9")  # the audit record as written
    with translation.override("zh-hans"):
        assert LATIN_WORD.search(grant_end_text(grant.end_reason)) is None
        details = [e.detail for e in timeline_entries(customer, user=clerk, limit=None)]
    ended = [d for d in details if "号码已销户" in d]
    assert ended, details
    assert not any("TIER-9" in d or "cancelled" in d for d in details)
