"""The move of the group models from membership to keyaccounts (decisions.md D-HOUSE-1) on
a database that has data: the rows stay where they are, are read back through
keyaccounts.models with the same ids, and what pointed at their content types (permissions,
the admin log, a grant's cause) points at the same models afterwards.

Migrates the test database back to before the move (membership 0007, no keyaccounts), writes
rows through the models of that state, then forwards to the latest migrations again (also
when an assertion fails, so the next test finds the schema it expects).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from keyaccounts.models import ContactLog, GroupCustomer, KeyPerson
from membership.models import LevelGrant

BEFORE_THE_MOVE = [("membership", "0007_leaner_indexes"), ("keyaccounts", None)]
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _migrate(targets: list[tuple[str, str | None]] | None = None) -> Any:
    """Migrate to ``targets`` (the latest migrations when None); the state's apps."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return state.apps


def _old_rows(apps: Any) -> dict[str, int]:
    """A group, a key person with a history row and a grant it caused, a contact, and an
    admin log entry, written through the models of the state before the move."""
    old_content_types = apps.get_model("contenttypes", "ContentType")
    assert not old_content_types.objects.filter(app_label="keyaccounts").exists()
    key_person_type = old_content_types.objects.get(app_label="membership", model="keyperson")
    user = apps.get_model("auth", "User").objects.create(username="manager_before_the_move")
    customer = apps.get_model("membership", "Customer").objects.create(
        msisdn="13900009999",
        name="王伟",
        id_number="320102198001010011",
        brand="gotone",
        joined_on=date(2015, 5, 1),
        province="江苏",
        city="南京",
    )
    group = apps.get_model("membership", "GroupCustomer").objects.create(
        code="G09999", name="南京测试集团", group_class="A", city="南京", account_manager=user
    )
    person = apps.get_model("membership", "KeyPerson").objects.create(
        group=group, customer=customer, role="contact", rank="other", created_at=AT
    )
    apps.get_model("membership", "HistoricalKeyPerson").objects.create(
        id=person.pk,
        group_id=group.pk,
        customer_id=customer.pk,
        role="contact",
        rank="other",
        created_at=AT,
        history_date=AT,
        history_type="+",
    )
    contact = apps.get_model("membership", "ContactLog").objects.create(
        group=group,
        key_person=person,
        channel="call",
        contacted_at=AT,
        notes="回访",
        logged_by=user,
    )
    grant = apps.get_model("membership", "LevelGrant").objects.create(
        customer=customer,
        level="gold",
        rank=3,
        source="key_person",
        valid_from=AT.date(),
        cause_type=key_person_type,
        cause_id=person.pk,
    )
    entry = apps.get_model("admin", "LogEntry").objects.create(
        user=user,
        content_type=key_person_type,
        object_id=str(person.pk),
        object_repr="key person",
        action_flag=CHANGE,
        change_message="[]",
        action_time=AT,
    )
    permissions = apps.get_model("auth", "Permission").objects.filter(content_type=key_person_type)
    assert permissions.filter(codename="view_keyperson").exists()
    return {
        "group": group.pk,
        "person": person.pk,
        "contact": contact.pk,
        "grant": grant.pk,
        "log_entry": entry.pk,
        "key_person_type": key_person_type.pk,
        "permissions": permissions.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_the_rows_and_moves_the_content_types() -> None:
    try:
        ids = _old_rows(_migrate(BEFORE_THE_MOVE))
    finally:
        _migrate()

    group = GroupCustomer.objects.get(pk=ids["group"])
    person = KeyPerson.objects.select_related("group", "customer").get(pk=ids["person"])
    contact = ContactLog.objects.get(pk=ids["contact"])
    assert (group.code, group.account_manager.username) == ("G09999", "manager_before_the_move")
    assert (person.group_id, person.customer.msisdn) == (group.pk, "13900009999")
    assert (contact.group_id, contact.key_person_id, contact.notes) == (group.pk, person.pk, "回访")
    assert list(KeyPerson.history.filter(id=person.pk).values_list("history_type", flat=True)) == [
        "+"
    ]

    # The content types were renamed, not replaced: the same rows, now keyaccounts'.
    moved = ContentType.objects.get_for_model(KeyPerson)
    assert (moved.pk, moved.app_label) == (ids["key_person_type"], "keyaccounts")
    assert not ContentType.objects.filter(app_label="membership", model="keyperson").exists()
    assert set(
        ContentType.objects.filter(
            model__in=["groupcustomer", "keyperson", "contactlog", "upgraderequest", "kpifigure"]
        ).values_list("app_label", flat=True)
    ) == {"keyaccounts"}
    permissions = Permission.objects.filter(content_type=moved)
    assert permissions.count() == ids["permissions"]
    assert permissions.filter(codename="view_keyperson").exists()
    grant = LevelGrant.objects.get(pk=ids["grant"])
    assert grant.cause_type is not None
    assert grant.cause_type.model_class() is KeyPerson
    assert LogEntry.objects.get(pk=ids["log_entry"]).get_edited_object() == person
