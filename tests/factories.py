"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from keyaccounts.models import GroupCustomer, KeyPerson
from membership.models import Bill, Brand, Customer, Status

SHANGHAI = ZoneInfo("Asia/Shanghai")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "芳"
    last_name = "王"
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def role(obj: Any, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            obj.groups.add(Group.objects.get(name=extracted))
            if extracted == "supervisor":
                obj.is_staff = True  # the admin is the supervisors' tool
                obj.save(update_fields=["is_staff"])


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        django_get_or_create = ("msisdn",)

    msisdn = factory.Sequence(lambda n: f"139{n:08d}")
    name = "张三"
    id_number = "320102198001011234"
    birth_date = date(1980, 1, 1)
    brand = Brand.GOTONE
    joined_on = date(2015, 3, 15)
    province = "江苏"
    city = "苏州"
    status = Status.ACTIVE


class BillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bill

    customer = factory.SubFactory(CustomerFactory)
    month = date(2025, 1, 1)
    total = Decimal("100.00")


class GroupCustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupCustomer

    code = factory.Sequence(lambda n: f"G{n:05d}")
    name = factory.Sequence(lambda n: f"集团{n}")
    group_class = "A"
    city = "苏州"
    account_manager = factory.SubFactory(UserFactory, role="account_manager")


class KeyPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyPerson

    group = factory.SubFactory(GroupCustomerFactory)
    customer = factory.SubFactory(CustomerFactory)
    role = "decision_maker"
    rank = "senior_leader"


# membership — credit stars and life-cycle (CREDIT, CUST-4/6/7)


class StatusChangeFactory(factory.django.DjangoModelFactory):
    """A recorded status move (CUST-4), for tests that need history without the service."""

    class Meta:
        model = "membership.StatusChange"

    customer = factory.SubFactory(CustomerFactory)
    from_status = Status.ACTIVE
    to_status = Status.SUSPENDED
    reason = "arrears"
    changed_at = factory.LazyFunction(lambda: datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI))


class CreditRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "membership.CreditRating"

    customer = factory.SubFactory(CustomerFactory)
    month = date(2026, 9, 1)
    score = 350
    stars = 3
    breakdown = factory.LazyFunction(
        lambda: {
            "brand": 50,
            "tenure": 300,
            "spend": 100,
            "suspensions": -100,
            "tenure_years": 5,
            "bill_count": 6,
            "bill_fen": 60000,
            "suspension_count": 1,
        }
    )


# points


class RewardItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "points.RewardItem"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"话费充值卡 {n}")
    category = "own_service"
    points_price = 1000
    stock = 10


def points_earned(
    customer: Any, year: int, points: int, *, month: int = 1, exempt: bool = False
) -> Any:
    """Give ``customer`` ``points`` of consumption points in ``year`` through the ledger
    (an accrual entry for ``month`` and its lot), as if a bill had been accrued."""
    from points.models import EntryKind
    from points.services.ledger import entry_post, lot_get_or_create

    lot = lot_get_or_create(customer=customer, year=year, exempt=exempt)
    return entry_post(
        customer=customer,
        lot=lot,
        kind=EntryKind.ACCRUAL,
        amount=points,
        month=date(year, month, 1),
        booked_on=date(year, month, 28),
    )


# plans


class PlanFamilyFactory(factory.django.DjangoModelFactory):
    """The catalogue migration loads internet, business_travel and local; this finds them."""

    class Meta:
        model = "plans.PlanFamily"
        django_get_or_create = ("code",)

    code = "local"
    name = "Local"
    name_zh = "本地套餐"
    position = 3


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan of its own (the catalogue's plans are loaded by migration: look them up by
    code, e.g. Plan.objects.get(code="bt-288"))."""

    class Meta:
        model = "plans.Plan"
        django_get_or_create = ("code",)

    family = factory.SubFactory(PlanFamilyFactory)
    code = factory.Sequence(lambda n: f"test-{n}")
    name = factory.Sequence(lambda n: f"Test plan {n}")
    name_zh = factory.Sequence(lambda n: f"测试{n}套餐")
    monthly_fee = Decimal("68.00")
    included_minutes = 300
    included_data_mb = 100
    voice_overage_rate = Decimal("0.19")


# membership — groups, contact log, upgrades, KPI-1 (GROUP-1..4, TIER-6/7, KPI-1)


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "keyaccounts.GroupMember"

    group = factory.SubFactory(GroupCustomerFactory)
    customer = factory.SubFactory(CustomerFactory)
    signed_on = date(2024, 1, 1)


class ContactLogFactory(factory.django.DjangoModelFactory):
    """A logged contact (GROUP-4) written directly, for reads; tests of the rule use
    keyaccounts.services.groups.contact_log_create."""

    class Meta:
        model = "keyaccounts.ContactLog"

    group = factory.SubFactory(GroupCustomerFactory)
    key_person = None
    person = "办公室"
    channel = "call"
    occasion = "routine"
    notes = "回访"  # required by the contact log's check (D-VALID-1)
    contacted_at = factory.LazyFunction(lambda: datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI))
    logged_by = factory.SubFactory(UserFactory, role="account_manager")


class SnapshotListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "membership.SnapshotList"
        django_get_or_create = ("taken_on",)

    name = "拍照客户"
    taken_on = date(2025, 1, 1)


class SnapshotMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "membership.SnapshotMember"

    snapshot = factory.SubFactory(SnapshotListFactory)
    customer = factory.SubFactory(CustomerFactory)
    important = False


# servicedesk — halls, billing usage for the birthday waiver (SERVICE-1, SERVICE-6)


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "servicedesk.Hall"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"hall-{n}")
    name = factory.Sequence(lambda n: f"营业厅{n}")
    province = "江苏"
    city = "苏州"


class UsageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "membership.Usage"

    customer = factory.SubFactory(CustomerFactory)
    date = date(2026, 3, 5)
    category = "domestic_voice"
    amount = Decimal("10.00")
