"""CONV-6: a page rendered in Chinese (zh-hans) shows no English word.

Each role logs in with the UI in Chinese on the demo province (small), opens the pages of
its day (the journeys of issue 17) and follows the links of those pages, up to a
bound; every page's visible text (tests/visible_text.py: no <script>, <style>, <code>,
<svg>; with placeholders, aria-labels, titles, alts and button values) must hold no word of
three Latin letters or more beyond the short allowlist (VIP, SMS, CSV, API, KPI, MB, the
date format, rule IDs, codes with digits, the demo logins).

``PENDING`` is temporary: the English phrases still found in apps other engineers are
changing right now (servicedesk, keyaccounts), one entry each, to be removed by whoever
translates them. A phrase on the list that no page shows any more fails the test, so the
list only shrinks.
"""

from __future__ import annotations

import re
from collections import deque
from io import StringIO
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.demo import DEMO_LOGINS
from core.job_registry import all_jobs
from tests.demo_pages import demo_pages
from tests.visible_text import Finding, english_words

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = frozenset(login.username for login in DEMO_LOGINS)
PAGES_PER_ROLE = 60  # the bound of the crawl from each role's pages (links followed)
LINK = re.compile(r'<a\b[^>]*\bhref="([^"#][^"]*)"', re.IGNORECASE)
# Not pages to read: downloads, the API and its schema, the admin (Django's own
# translations), the language switch and logging out, JSON progress feeds.
SKIP = re.compile(
    r"^/(api|admin|i18n|accounts/logout)/|\.csv$|\.json$|[?&](format|export)=|/export",
)

# Temporary (CONV-6): English phrases found in servicedesk/keyaccounts pages, which other
# changes are editing now; each is the phrase as shown, its numbers as #. The integrator removes an entry
# when the phrase is translated. Do not add to this list for core, membership, plans, points.
PENDING: frozenset[str] = frozenset()
# Temporary too, and shown or not depending on the order the tests run in:
# servicedesk/views/requests.py translates its transition buttons with gettext at import
# (module level, not gettext_lazy), so they keep the language active when the module was
# first imported (English after an English test). Not checked for staleness.
PENDING_BY_IMPORT_ORDER: frozenset[str] = frozenset()


def _shape(phrase: str) -> str:
    """A phrase with its numbers as # (one entry for "7 of 8 left", "11 of 12 left")."""
    return re.sub(r"\d+", "#", phrase)


def _test_only_job_names() -> frozenset[str]:
    """Jobs other tests register (core/tests/job_probes.py) show on /jobs/ by their code
    name when the whole suite runs; they are not the product's, so not English to fix."""
    names = set()
    for job in all_jobs():
        module = getattr(job.run or job.chunk, "__module__", "") or ""
        if job.spec.app == "tests" or ".tests." in module or module.startswith("tests."):
            names.add(job.name)
    return frozenset(names)


def _start_pages() -> dict[str, list[str]]:
    """Each role's home, the pages of its day (tests/demo_pages.py) and a few more."""
    demo = demo_pages()
    extra = {
        "clerk": [
            reverse("membership:lookup") + "?q=" + demo.msisdn,
            reverse("plans:customer_plans", args=[demo.msisdn]),
        ],
        "manager": [],
        "supervisor": [],
    }
    return {
        username: [reverse("home"), *(path for _name, path in pages), *extra[username]]
        for username, pages in demo.pages.items()
    }


def _crawl(client: Client, starts: list[str], read: list[str]) -> dict[str, list[Finding]]:
    """GET the start pages, then the links they and the pages they lead to show, breadth
    first, up to PAGES_PER_ROLE pages; the English words of each page."""
    seen: set[str] = set()
    queue: deque[str] = deque(starts)
    found: dict[str, list[Finding]] = {}
    extra = DEMO_USERNAMES | _test_only_job_names()
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        read.append(url)
        words = english_words(html, extra)
        if words:
            found[url] = words
        for href in LINK.findall(html):
            target = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target.startswith("/"):
                continue
            if SKIP.search(target) or target in seen:
                continue
            queue.append(target)
    return found


def test_conv_6_the_pages_of_each_role_show_no_english_word_in_chinese(
    settings: Any,
) -> None:
    """CONV-6: every role's pages, rendered in zh-hans on the demo province, show no English
    word; the report lists every phrase found (page, word, phrase)."""
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):  # as `make run` seeds: in the default language
        call_command("seed_demo", customers=150, stdout=StringIO())
    starts = _start_pages()
    report: dict[str, set[str]] = {}
    shown: set[str] = set()
    with translation.override("zh-hans"):
        for username, pages in starts.items():
            client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
            client.force_login(get_user_model().objects.get(username=username))
            read: list[str] = []
            for url, words in _crawl(client, pages, read).items():
                for finding in words:
                    phrase = _shape(finding.phrase)
                    shown.add(phrase)
                    if phrase not in PENDING | PENDING_BY_IMPORT_ORDER:
                        report.setdefault(phrase, set()).add(f"{username} {url}")
            print(f"CONV-6: {username} read {len(read)} pages in Chinese")
            assert len(read) >= len(pages), f"{username}: a start page did not open"
    stale = sorted(PENDING - shown)
    lines = [f"{phrase!r} on {', '.join(sorted(where)[:3])}" for phrase, where in report.items()]
    assert not lines, "English words on Chinese pages:\n" + "\n".join(sorted(lines))
    assert not stale, f"PENDING phrases no page shows any more (remove them): {stale}"


def test_conv_6_the_reader_skips_code_and_scripts_and_reads_attributes() -> None:
    """CONV-6: the checker reads what a person reads: not <code>/<script>/<style>/<svg>,
    but placeholders, aria-labels, titles, alts and button values."""
    html = (
        "<html><head><title>客户</title><style>.x{color:red}</style></head><body>"
        "<p>积分 <code>POINTS-7</code> VIP SMS 2026/11/25 GT588</p>"
        "<script>var hidden = 'English';</script><svg><text>Chart</text></svg>"
        '<input placeholder="Search" aria-label="号码"><img alt="logo" src="x.png">'
        '<input type="submit" value="Save"><a title="Open">打开</a>'
        "<p>SERVICE-3 clerk Pending review</p></body></html>"
    )
    words = [finding.word for finding in english_words(html, frozenset({"clerk"}))]
    assert words == ["Search", "logo", "Save", "Open", "Pending", "review"]


def test_conv_6_the_lang_attribute_says_chinese(client: Client, clerk: Any) -> None:
    """CONV-6: a Chinese page says so to the browser (and to screen readers)."""
    client.force_login(clerk)
    with translation.override("zh-hans"):
        page = client.get(reverse("membership:lookup"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert '<html lang="zh-hans"' in page.content.decode()
    assert settings.LANGUAGES[0][0] == "zh-hans"
