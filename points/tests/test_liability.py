"""FIN-1 (beyond the source): the points liability for finance on the supervisors' overview —
figures against a hand calculation, the valuation rate and who may set it, the CSV export,
the check against the ledger and the chart."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from core import clock
from core.errors import DomainError
from membership.models import Customer
from points.liability import (
    CSV_HEADER,
    liability_chart,
    nice_ceiling,
    overview,
    rate_on,
    valuation_rates,
    value_of,
)
from points.models import AppendOnlyError, Lot, PointsValuation
from points.services import (
    account_clear,
    lots_reconcile,
    points_expire,
    redemption_cancel,
    redemption_create,
    transfer_create,
    transfer_recipient_register,
    valuation_set,
)
from points.services.reconcile import ledger_totals
from points.tests.builders import earn, make_customer, make_item
from tests.downloads import csv_table

pytestmark = [pytest.mark.django_db, pytest.mark.now("2026-11-25 10:00")]

TODAY = date(2026, 11, 25)
PERSONAS = ("anonymous", "counter_clerk", "account_manager", "supervisor", "outsider", "superuser")
SUPERVISORS = ("supervisor", "superuser")


def login(client: Client, personas: dict[str, Any], persona: str) -> None:
    if personas[persona] is not None:
        client.force_login(personas[persona])


def refused(response: Any, persona: str) -> bool:
    """True when ``persona`` was kept out (login page or 403), False when let in."""
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        return True
    if persona not in SUPERVISORS:
        assert response.status_code == 403, (persona, response.status_code)
        return True
    return False


@pytest.fixture
def ledger() -> dict[str, Customer]:
    """A small ledger over the twelve months 2025-12 … 2026-11 (and before), by hand:

    - A earns 3,000 in January 2024 (before the window), 1,000 in December 2025 and 2,000 in
      March 2026; redeems 500 and 200 in November 2026 and cancels the 200 (net 500);
      transfers 100 to D in November 2026 (both from A's 2024 lot, oldest first);
    - B earns 800 in June 2023, cleared by the clearing of 31 December 2025;
    - C earns 300 in October 2026, cleared in November 2026 (cancelled line).
    """
    a = make_customer(msisdn="13900000001")
    b = make_customer(msisdn="13900000002")
    c = make_customer(msisdn="13900000003")
    d = make_customer(msisdn="13900000004")
    earn(a, 2024, 3000, month=1)
    earn(b, 2023, 800, month=6)
    points_expire(year=2025, today=date(2025, 12, 31))  # booked on 2025-12-31
    earn(a, 2025, 1000, month=12)
    earn(a, 2026, 2000, month=3)
    earn(c, 2026, 300, month=10)
    redemption_create(customer=a, item=make_item(name="500", points_price=500, stock=5))
    cancelled = redemption_create(customer=a, item=make_item(name="200", points_price=200, stock=5))
    redemption_cancel(redemption=cancelled)
    account_clear(customer=c)
    transfer_recipient_register(sender=a, recipient=d)
    transfer_create(sender=a, recipient=d, points=100)
    return {"a": a, "b": b, "c": c, "d": d}


def rates_of_the_year(supervisor: Any) -> None:
    """1 fen a point from 2026-01-01; from 2026-11-01 first 0.0120, then corrected to 0.0125."""
    valuation_set(rate=Decimal("0.0100"), valid_from=date(2026, 1, 1), actor=supervisor)
    valuation_set(rate=Decimal("0.0120"), valid_from=date(2026, 11, 1), actor=supervisor)
    valuation_set(rate=Decimal("0.0125"), valid_from=date(2026, 11, 1), actor=supervisor)


# --- the figures ------------------------------------------------------------------------------


def test_fin_1_the_figures_equal_a_hand_calculation(ledger: dict[str, Customer]) -> None:
    figures = overview(TODAY)
    months = {f"{row.month:%Y-%m}": row for row in figures.months}

    # Lots: A 2024 3,000 - 500 - 100 = 2,400, A 2025 1,000, A 2026 2,000, D 2024 100.
    assert figures.outstanding == 5500
    assert figures.ledger.lots == figures.ledger.entries == 5500
    assert figures.ledger.clean
    # POINTS-6: the clearing of 31 December 2026 takes the 2024 lots: A's 2,400 and D's 100.
    assert (figures.expiring_points, figures.expiring_customers) == (2500, 2)
    assert list(months) == [f"{m:%Y-%m}" for m in (date(2025, 12, 1), *_months_of_2026())]
    december = months["2025-12"]
    assert (december.earned, december.expired, december.redeemed) == (1000, 800, 0)
    assert (december.opening, december.closing) == (3800, 4000)  # A's 3,000 and B's 800
    assert months["2026-03"].earned == 2000
    assert months["2026-10"].earned == 300
    november = months["2026-11"]
    assert november.to_date
    assert not months["2026-10"].to_date
    assert (november.redeemed, november.redemptions) == (500, 2)
    assert (november.cleared, november.transferred, november.earned) == (300, 100, 0)
    closings = [row.closing for row in figures.months]
    assert closings == [4000, 4000, 4000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6300, 5500]
    for row in figures.months:  # each month rolls forward from the one before
        assert row.opening + row.earned - row.redeemed - row.expired - row.cleared == row.closing
    # No rate set: points only, never a made-up value.
    assert figures.rate is None
    assert figures.outstanding_value is None
    assert all(row.rate is None and row.closing_value is None for row in figures.months)


def _months_of_2026() -> list[date]:
    return [date(2026, m, 1) for m in range(1, 12)]


def test_fin_1_values_use_the_rate_in_force_on_each_months_last_day(
    ledger: dict[str, Customer], supervisor: Any
) -> None:
    rates_of_the_year(supervisor)

    figures = overview(TODAY)
    months = {f"{row.month:%Y-%m}": row for row in figures.months}

    assert figures.rate is not None
    assert figures.rate.rate == Decimal("0.0125")
    assert figures.outstanding_value == Decimal("68.75")  # 5,500 × 0.0125
    assert figures.expiring_value == Decimal("31.25")  # 2,500 × 0.0125
    assert months["2025-12"].rate is None  # no rate yet on 31 December 2025
    assert months["2025-12"].expired_value is None
    assert months["2026-03"].rate == Decimal("0.0100")
    assert months["2026-03"].earned_value == Decimal("20.00")
    assert months["2026-03"].closing_value == Decimal("60.00")
    assert months["2026-11"].redeemed_value == Decimal("6.25")  # 500 × 0.0125
    assert months["2026-11"].closing_value == Decimal("68.75")


def test_fin_1_a_value_is_rounded_to_the_fen_half_up() -> None:
    assert value_of(1, Decimal("0.0125")) == Decimal("0.01")
    assert value_of(3, Decimal("0.0125")) == Decimal("0.04")  # 0.0375
    assert value_of(2, Decimal("0.0025")) == Decimal("0.01")  # 0.005, half up
    assert value_of(1000, None) is None


# --- the rate ---------------------------------------------------------------------------------


def test_fin_1_the_rate_in_force_on_a_day_is_the_latest_valid_from(supervisor: Any) -> None:
    rates_of_the_year(supervisor)
    valuation_set(rate=Decimal("0.0200"), valid_from=date(2027, 1, 1), actor=supervisor)
    rates = valuation_rates()

    expected = {
        date(2025, 12, 31): None,
        date(2026, 1, 1): Decimal("0.0100"),
        date(2026, 10, 31): Decimal("0.0100"),
        date(2026, 11, 1): Decimal("0.0125"),  # set later on the same day: the correction
        date(2026, 12, 31): Decimal("0.0125"),
        date(2027, 1, 1): Decimal("0.0200"),
    }
    for day, rate in expected.items():
        in_force = rate_on(day)
        assert (in_force.rate if in_force else None) == rate, day
        from_history = rates.on(day)
        assert (from_history.rate if from_history else None) == rate, day
    following = rates.next_after(TODAY)
    assert following is not None
    assert following.valid_from == date(2027, 1, 1)
    assert [row.rate for row in rates.latest_set()] == [
        Decimal("0.0200"),
        Decimal("0.0125"),
        Decimal("0.0120"),
        Decimal("0.0100"),
    ]


def test_fin_1_a_rate_is_positive_with_at_most_4_decimals(client: Client, supervisor: Any) -> None:
    client.force_login(supervisor)
    url = reverse("points:valuation")
    for typed in ("0", "-0.01", "0.00001", "abc", "10000"):
        response = client.post(url, {"rate": typed, "valid_from": "2026-12-01", "confirmed": "1"})
        assert response.status_code == 200, typed
        assert response.context["form"].errors["rate"], typed
    for rate in (Decimal("0"), Decimal("-1"), Decimal("0.00001"), Decimal("NaN")):
        with pytest.raises(DomainError):
            valuation_set(rate=rate, valid_from=TODAY, actor=supervisor)
    assert not PointsValuation.objects.exists()
    # Trailing zeros are no decimals of their own: 0.12340 is 0.1234.
    assert valuation_set(rate=Decimal("0.12340"), valid_from=TODAY, actor=supervisor).pk


def test_fin_1_a_rate_set_is_never_changed_or_deleted(supervisor: Any) -> None:
    valuation = valuation_set(rate=Decimal("0.01"), valid_from=TODAY, actor=supervisor)
    valuation.note = "changed"
    with pytest.raises(AppendOnlyError):
        valuation.save()
    with pytest.raises(AppendOnlyError):
        valuation.delete()


@pytest.mark.parametrize("persona", PERSONAS)
def test_fin_1_only_supervisors_set_the_rate_after_confirming(
    client: Client,
    personas: dict[str, Any],
    persona: str,
    ledger: dict[str, Customer],
    caplog: pytest.LogCaptureFixture,
) -> None:
    login(client, personas, persona)
    url = reverse("points:valuation")
    data = {"rate": "0.0125", "valid_from": "2026-11-01", "note": "Q4 budget"}

    asked = client.post(url, data)
    if refused(asked, persona):
        assert refused(client.post(url, {**data, "confirmed": "1"}), persona)
        assert not PointsValuation.objects.exists()
        return
    assert asked.status_code == 200
    body = asked.content.decode()
    assert 'data-testid="confirm-rate"' in body
    assert "¥68.75" in body  # the 5,500 points outstanding at this rate
    assert not PointsValuation.objects.exists()  # nothing before the confirmation

    with caplog.at_level(logging.INFO, logger="points.audit"):
        done = client.post(url, {**data, "confirmed": "1"})

    assert done.status_code == 302
    assert done["Location"] == reverse("points:overview")
    valuation = PointsValuation.objects.get()
    assert valuation.rate == Decimal("0.0125")
    assert valuation.valid_from == date(2026, 11, 1)
    assert valuation.set_by == personas[persona]
    assert abs((clock.now() - valuation.set_at).total_seconds()) < 60
    assert valuation.note == "Q4 budget"
    assert any(
        "points valuation set: rate=0.0125 valid_from=2026-11-01" in r.getMessage()
        and f"user={personas[persona].pk}" in r.getMessage()
        for r in caplog.records
    )
    page = client.get(reverse("points:overview")).content.decode()
    assert "¥68.75" in page
    history = client.get(url).content.decode()
    assert personas[persona].username in history
    assert "Q4 budget" in history


def test_fin_1_the_overview_shows_points_only_and_says_no_rate_set(
    client: Client, supervisor: Any, ledger: dict[str, Customer]
) -> None:
    client.force_login(supervisor)

    body = client.get(reverse("points:overview")).content.decode()

    assert 'data-testid="no-rate-set"' in body
    assert "no rate set" in body
    assert "¥" not in body
    assert 'data-testid="valuation-form"' in body


# --- the export -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_fin_1_only_supervisors_export_the_csv(
    client: Client, personas: dict[str, Any], persona: str
) -> None:
    login(client, personas, persona)

    response = client.get(reverse("points:liability_csv"))

    if not refused(response, persona):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")


def test_fin_1_the_csv_has_the_header_and_the_rows_and_is_audited(
    client: Client,
    supervisor: Any,
    ledger: dict[str, Customer],
    caplog: pytest.LogCaptureFixture,
) -> None:
    rates_of_the_year(supervisor)
    client.force_login(supervisor)

    with caplog.at_level(logging.INFO, logger="points.audit"):
        response = client.get(reverse("points:liability_csv"))

    assert response.status_code == 200
    assert 'filename="points-liability-2026-11-25.csv"' in response["Content-Disposition"]
    table = csv_table(response)  # core.exports: with the byte-order mark spreadsheets need
    assert tuple(table[0]) == CSV_HEADER
    rows = [dict(zip(CSV_HEADER, line, strict=True)) for line in table[1:]]
    assert [row["month"] for row in rows][0::11] == ["2025-12", "2026-11"]
    assert len(rows) == 12
    december, march, november = rows[0], rows[3], rows[11]
    assert december == {
        "month": "2025-12",
        "to_date": "no",
        "opening_points": "3800",
        "earned_points": "1000",
        "redeemed_points": "0",
        "redemptions": "0",
        "expired_points": "800",
        "cleared_points": "0",
        "transferred_points": "0",
        "closing_points": "4000",
        "yuan_per_point": "",
        "earned_yuan": "",
        "redeemed_yuan": "",
        "expired_yuan": "",
        "closing_yuan": "",
    }
    assert (march["month"], march["earned_points"], march["earned_yuan"]) == (
        "2026-03",
        "2000",
        "20.00",
    )
    assert (march["yuan_per_point"], march["closing_yuan"]) == ("0.0100", "60.00")
    assert november["to_date"] == "yes"
    assert (november["redeemed_points"], november["redeemed_yuan"]) == ("500", "6.25")
    assert (november["closing_points"], november["closing_yuan"]) == ("5500", "68.75")
    assert any(
        r.name == "points.audit"
        and f"points liability exported: user={supervisor.pk} as_of=2026-11-25" in r.getMessage()
        for r in caplog.records
    )


def test_fin_1_the_csv_export_runs_a_fixed_number_of_queries(
    client: Client, supervisor: Any, ledger: dict[str, Customer], django_assert_num_queries: Any
) -> None:
    client.force_login(supervisor)
    url = reverse("points:liability_csv")
    client.get(url)

    # the session, the user and their roles; the ledger's total, the rates, the months'
    # entries and the months' redemptions
    with django_assert_num_queries(7):
        client.get(url)


# --- the check against the ledger ------------------------------------------------------------


def test_fin_1_the_page_shows_the_difference_when_the_ledger_is_inconsistent(
    client: Client, supervisor: Any, ledger: dict[str, Customer]
) -> None:
    client.force_login(supervisor)
    clean = client.get(reverse("points:overview")).content.decode()
    assert 'data-testid="ledger-clean"' in clean
    # A lot's cached balance drifts from its entries (written around the ledger).
    Lot.objects.filter(customer=ledger["a"], year=2026).update(balance=F("balance") + 7)

    body = client.get(reverse("points:overview")).content.decode()

    assert 'data-testid="ledger-difference"' in body
    assert "difference 7" in body
    totals = ledger_totals()
    assert (totals.lots, totals.entries, totals.difference) == (5507, 5500, 7)
    # The same check as points_reconcile, summed: its differences add up to this one.
    assert sum(d.stored - d.from_entries for d in lots_reconcile().differences) == 7


# --- the chart --------------------------------------------------------------------------------


def test_fin_1_the_chart_draws_the_table_s_figures(
    client: Client, supervisor: Any, ledger: dict[str, Customer]
) -> None:
    rows = overview(TODAY).months
    chart = liability_chart(rows)

    assert len(chart.bars) == 3 * len(rows)
    assert len(chart.dots) == len(rows) == len(chart.line.split())
    earned = {bar.title: bar for bar in chart.bars if bar.kind == "earned"}
    assert earned["2026-03: 2,000"].height == chart.bottom - chart.top  # the tallest, 2,000
    assert earned["2026-10: 300"].height == round((chart.bottom - chart.top) * 300 / 2000)
    assert [label for _x, label in chart.labels][-1] == "2026-11"
    assert chart.balance_ticks[-1][1] == "10,000"  # nice_ceiling(6,300)
    assert (nice_ceiling(0), nice_ceiling(7), nice_ceiling(2000), nice_ceiling(2001)) == (
        1,
        10,
        2000,
        5000,
    )
    client.force_login(supervisor)
    body = client.get(reverse("points:overview")).content.decode()
    assert 'data-testid="liability-chart"' in body
    assert 'role="img"' in body
    assert "<desc" in body
    assert 'data-testid="liability-table"' in body
    assert "<script" not in body.split('data-testid="liability-chart"')[1].split("</figure>")[0]
