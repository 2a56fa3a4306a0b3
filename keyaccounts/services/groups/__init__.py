"""Group customers, their members and key persons, the contact log (GROUP-1..4), and the
key-person grants that follow roles, ranks and classes (TIER-6).

One module per subject:

- groups.py: a group's creation, its details and its class (GROUP-1);
- members.py: members signing up and leaving (GROUP-2);
- key_persons.py: key persons added, changed and removed, the contacts limit (GROUP-3);
- levels.py: the level a key person's role and rank give and the grant that follows (TIER-6);
- contacts.py: the contact log and the care occasions (GROUP-4).

Import from here: ``from keyaccounts.services.groups import group_create``.
"""

from keyaccounts.services.groups.contacts import (
    contact_entry_errors,
    contact_log_create,
    occasion_date_for,
)
from keyaccounts.services.groups.groups import group_change_class, group_create, group_update
from keyaccounts.services.groups.key_persons import (
    key_person_create,
    key_person_remove,
    key_person_update,
)
from keyaccounts.services.groups.levels import (
    CONTACT_LEVEL,
    DIVISION_CADRE_LEVEL,
    SENIOR_LEADER_LEVEL,
    key_person_grants_sync,
    key_person_level,
)
from keyaccounts.services.groups.members import group_member_add, group_member_remove

__all__ = [
    "CONTACT_LEVEL",
    "DIVISION_CADRE_LEVEL",
    "SENIOR_LEADER_LEVEL",
    "contact_entry_errors",
    "contact_log_create",
    "group_change_class",
    "group_create",
    "group_member_add",
    "group_member_remove",
    "group_update",
    "key_person_create",
    "key_person_grants_sync",
    "key_person_level",
    "key_person_remove",
    "key_person_update",
    "occasion_date_for",
]
