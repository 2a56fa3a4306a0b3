"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from membership.models import Bill, Brand, Customer, GroupCustomer, KeyPerson, Status


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
