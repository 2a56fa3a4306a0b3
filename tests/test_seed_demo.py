from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.test import RequestFactory

from core.demo import DEMO_LOGINS, DEMO_PASSWORD
from core.roles import primary_role
from membership.models import Bill, Brand, Customer, GroupCustomer, KeyPerson, LevelGrant

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_province_and_prints_working_logins(rf: RequestFactory) -> None:
    out = StringIO()
    call_command("seed_demo", "--customers", "300", stdout=out)
    text = out.getvalue()

    assert Customer.objects.count() == 300
    assert set(Customer.objects.values_list("brand", flat=True)) == set(Brand.values)
    assert {"苏州", "常州", "淮安"} <= set(Customer.objects.values_list("city", flat=True))
    months = Bill.objects.values("customer").annotate(n=Count("id")).order_by("-n").first()
    assert months is not None
    assert months["n"] == 24
    assert set(GroupCustomer.objects.values_list("group_class", flat=True)) == {"A", "B", "C", "D"}
    assert KeyPerson.objects.count() > 0
    assert LevelGrant.objects.filter(source="annual").exists()  # the rating was committed
    assert LevelGrant.objects.filter(source="key_person").exists()
    for login in DEMO_LOGINS:
        assert login.username in text
        user = authenticate(rf.post("/"), username=login.username, password=DEMO_PASSWORD)
        assert user is not None
        assert primary_role(user) == login.role
    assert DEMO_PASSWORD in text


def test_seed_demo_run_twice_leaves_the_province_as_it_is() -> None:
    call_command("seed_demo", "--customers", "50", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", "--customers", "50", stdout=out)
    assert Customer.objects.count() == 50
    assert "already present" in out.getvalue()
