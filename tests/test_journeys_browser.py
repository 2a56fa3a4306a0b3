"""Each role's day in the browser (issue 17), in Chinese, on the small demo province.

- the clerk, by keyboard alone: log in, look the customer up by full-width digits, check
  the ID card, register a lounge visit (SERVICE-2), redeem a reward through its
  confirmation (POINTS-7); the key presses from the login page to the finished redemption
  are counted, printed and kept under ``CLERK_KEYS_CEILING`` (CONV-7);
- the account manager logs a contact with a key person (GROUP-4) and raises an upgrade
  request (TIER-7); the supervisor approves it, previews and commits the annual rating
  (TIER-4) and downloads the rating's changes as CSV; the manager sees the decision on the
  upgrade list.

Screenshots go to ``<TEST_ARTIFACTS>/screens/journeys/`` (default ``test-artifacts/``,
git-ignored); the test prints their list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.demo import DEMO_PASSWORD
from servicedesk.models import Ticket
from tests.browser import log_in
from tests.demo_pages import DemoPages
from tests.services import artifacts_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# CONV-7: the keyboard path from the login page to a finished redemption. Most of it is
# typing (username, password, the number, the ID card's 18 characters); the ceiling leaves
# room for the tab stops of the pages, which grow as the cards grow.
CLERK_KEYS_CEILING = 250
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


class Keyboard:
    """The keys a test presses, counted: a character typed is one key, a chord one key."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.count = 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1

    def focused(self, selector: str) -> bool:
        return bool(self.page.evaluate("s => document.activeElement.matches(s)", selector))

    def tab_to(self, selector: str, limit: int = 80) -> None:
        """Tab (counted) until the element matching ``selector`` has the focus."""
        for _ in range(limit):
            if self.focused(selector):
                return
            self.press("Tab")
        raise AssertionError(f"{selector} not reached in {limit} tab stops")

    def choose(self, selector: str, value: str, limit: int = 40) -> None:
        """Arrow down (counted) through a focused <select> until ``value`` is chosen."""
        self.tab_to(selector)
        for _ in range(limit):
            if self.page.eval_on_selector(selector, "e => e.value") == value:
                return
            self.press("ArrowDown")
        raise AssertionError(f"{value} not found in {selector}")


class Screens:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.taken: list[Path] = []

    def shot(self, page: Any, name: str) -> None:
        path = self.folder / f"{len(self.taken) + 1:02d}_{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)

    def report(self, title: str) -> None:
        print(f"\n{title}: {len(self.taken)} screenshots")
        for path in self.taken:
            print(f"  {path}")


def test_conv_7_the_clerks_day_by_keyboard_alone(
    live_server: Any, demo: DemoPages, demo_page: Any
) -> None:
    """CONV-7, CUST-1, CUST-10, SERVICE-1, SERVICE-2, POINTS-7: the counter's path (look up,
    check the ID, the ticket taken, called and served, a lounge visit, a redemption), keys
    counted."""
    page = demo_page
    screens = Screens(artifacts_dir() / "screens" / "journeys" / "clerk")
    keys = Keyboard(page)
    base, msisdn = live_server.url, demo.msisdn

    page.goto(f"{base}/accounts/login/")  # the username field has the focus
    keys.type("clerk")
    keys.press("Tab")
    keys.type(DEMO_PASSWORD)
    keys.press("Enter")
    page.wait_for_url(f"{base}/customers/")
    screens.shot(page, "clerk_home")

    # CUST-1: the search box takes the number as the customer reads it, in full width.
    keys.tab_to("input[name=q]")  # the page's box (the header's elsewhere)
    keys.type(msisdn.translate(FULL_WIDTH))
    keys.press("Enter")
    page.wait_for_url(f"{base}/customers/{msisdn}/")
    screens.shot(page, "customer_card")

    # CUST-10: the ID card's number, checked.
    keys.tab_to("input[name=id_number]")
    keys.type(demo.id_number)
    keys.press("Enter")
    page.get_by_test_id("identity-verified").wait_for()
    screens.shot(page, "identity_checked")

    # SERVICE-2: a lounge visit, from the desk card.
    keys.tab_to(f'a[href="/desk/customer/{msisdn}/"]')
    keys.press("Enter")
    page.wait_for_url(f"{base}/desk/customer/{msisdn}/")
    screens.shot(page, "desk_card")

    # SERVICE-1: the visit's ticket on the desk card: the hall chosen once (the chooser has
    # the focus), then take, call and served, each landing back on the card.
    if page.get_by_test_id("hall-chooser").count():
        keys.tab_to('[data-testid="hall-chooser"] button')
        keys.press("Enter")
        page.get_by_test_id("ticket-take").wait_for()
    assert keys.focused('[data-testid="ticket-take"]')  # autofocus: Enter takes the ticket
    keys.press("Enter")
    page.get_by_test_id("ticket-call").wait_for()
    screens.shot(page, "ticket_taken")
    keys.tab_to('[data-testid="ticket-call"]')
    keys.press("Enter")
    page.get_by_test_id("ticket-served").wait_for()
    keys.tab_to('[data-testid="ticket-served"]')
    keys.press("Enter")
    page.wait_for_url(f"{base}/desk/customer/{msisdn}/")
    page.get_by_test_id("ticket-status").wait_for()
    assert Ticket.objects.filter(customer__msisdn=msisdn, status="served").exists()
    screens.shot(page, "ticket_served")

    keys.tab_to(f'a[href="/desk/customer/{msisdn}/request/lounge_visit/"]')
    keys.press("Enter")
    page.wait_for_url(f"{base}/desk/customer/{msisdn}/request/lounge_visit/")
    screens.shot(page, "lounge_form")
    keys.tab_to('[data-testid="register"]')
    keys.press("Enter")
    page.wait_for_url(f"{base}/desk/requests/**")
    assert page.locator(".msg-success").count() >= 1, page.locator("main").inner_text()
    screens.shot(page, "lounge_registered")

    # POINTS-7: back to the card by the header's box, the points tab, the reward, the
    # confirmation, redeemed.
    keys.tab_to("#counter-q")
    keys.type(msisdn)
    keys.press("Enter")
    page.wait_for_url(f"{base}/customers/{msisdn}/")
    keys.tab_to(f'a[href="/points/customer/{msisdn}/"]')
    keys.press("Enter")
    page.wait_for_url(f"{base}/points/customer/{msisdn}/")
    keys.tab_to(f'a[href="/points/customer/{msisdn}/redeem/"]')
    keys.press("Enter")
    page.wait_for_url(f"{base}/points/customer/{msisdn}/redeem/")
    keys.choose("select[name=item]", str(demo.reward_id))
    screens.shot(page, "redemption_form")
    keys.tab_to('[data-testid="redeem-continue"]')
    keys.press("Enter")
    page.get_by_test_id("redeem-quote").wait_for()
    screens.shot(page, "redemption_confirmation")
    assert keys.focused('[data-testid="confirm-redeem"]')  # autofocus: Enter redeems
    keys.press("Enter")
    page.wait_for_url(f"{base}/points/customer/{msisdn}/")
    page.locator(".msg-success").first.wait_for()
    screens.shot(page, "redeemed")

    print(f"\nCONV-7: the clerk's keyboard path, login to a finished redemption: {keys.count} keys")
    screens.report("clerk")
    assert keys.count <= CLERK_KEYS_CEILING


@pytest.mark.now("2027-01-20 10:00")  # the demo commits 2025; the supervisor rates 2026
def test_tier_7_the_managers_request_and_the_supervisors_decisions(
    live_server: Any, demo: DemoPages, demo_page: Any
) -> None:
    """GROUP-4, TIER-7, TIER-4: a contact and an upgrade request by the manager; approved,
    a rating previewed, committed and its changes downloaded by the supervisor; the decision
    seen by the manager."""
    page = demo_page
    screens = Screens(artifacts_dir() / "screens" / "journeys" / "manager_supervisor")
    base, person = live_server.url, demo.key_person_id

    log_in(page, base, "manager", DEMO_PASSWORD)
    screens.shot(page, "manager_home")
    page.goto(f"{base}/customers/groups/key-persons/{person}/")
    screens.shot(page, "key_person")
    page.goto(f"{base}/customers/groups/key-persons/{person}/contacts/new/")
    page.select_option("select[name=channel]", index=0)
    page.fill("textarea[name=notes], input[name=notes]", "节前电话问候，客户满意。")
    screens.shot(page, "contact_form")
    page.locator("main button[type=submit].primary").click()
    page.wait_for_load_state()
    screens.shot(page, "contact_logged")

    page.goto(f"{base}/customers/groups/key-persons/{person}/upgrade/")
    page.select_option("select[name=requested_level]", index=0)
    page.fill("textarea[name=reason]", "集团关键人，年度贡献突出。")
    screens.shot(page, "upgrade_form")
    page.locator("main button[type=submit].primary").click()
    page.wait_for_url(f"{base}/customers/groups/upgrades/**")
    upgrade_url = page.url
    screens.shot(page, "upgrade_raised")

    page.context.clear_cookies()
    log_in(page, base, "supervisor", DEMO_PASSWORD)
    screens.shot(page, "supervisor_home")
    page.goto(f"{base}/customers/groups/upgrades/inbox/")
    screens.shot(page, "upgrade_inbox")
    page.goto(upgrade_url)
    page.fill("textarea[name=note]", "贡献属实，同意。")
    page.locator("main button.primary", has_text="批准").click()
    page.wait_for_load_state()
    screens.shot(page, "upgrade_approved")

    page.goto(f"{base}/customers/rating/")
    page.fill("input[name=year]", "2026")
    page.locator("main button[type=submit].primary").click()
    page.wait_for_url(f"{base}/customers/rating/preview/")
    screens.shot(page, "rating_preview")
    with page.expect_download() as download:
        page.locator('a[href*="format=csv"]').first.click()
    csv = Path(download.value.path()).read_bytes()
    assert csv.startswith("\ufeff".encode()), "a CSV for spreadsheets, with its BOM"
    (screens.folder / "rating_changes.csv").write_bytes(csv)
    page.locator("input[name=confirm]").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("main button.danger").click()
    page.wait_for_load_state()
    page.locator(".msg-success").first.wait_for()
    screens.shot(page, "rating_committed")

    page.context.clear_cookies()
    log_in(page, base, "manager", DEMO_PASSWORD)
    # D-GROUP-11: the decision reaches the manager as a notification.
    page.goto(f"{base}/customers/groups/notices/")
    screens.shot(page, "manager_notified")
    assert page.locator('[data-testid^="notice-upgrade_decided-"] .status-approved').count() >= 1
    page.goto(f"{base}/customers/groups/upgrades/")
    screens.shot(page, "manager_sees_the_decision")
    assert page.locator(".status-approved").count() >= 1
    screens.report("manager and supervisor")
