"""The group models moved to the keyaccounts app (decisions.md D-HOUSE-1).

State only: keyaccounts 0001 has created them in its own state, on the same tables
(``db_table`` keeps ``membership_…``); here they leave membership's state. Nothing is run on
the database: the tables, their rows, indexes and constraints stay as they are. Dependents
are deleted before what they point to.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("membership", "0007_leaner_indexes"),
        ("keyaccounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="UpgradeRequestEvent"),
                migrations.DeleteModel(name="UpgradeRequest"),
                migrations.DeleteModel(name="ContactLog"),
                migrations.DeleteModel(name="GroupMember"),
                migrations.DeleteModel(name="KpiFigure"),
                migrations.DeleteModel(name="HistoricalKeyPerson"),
                migrations.DeleteModel(name="HistoricalGroupCustomer"),
                migrations.DeleteModel(name="KeyPerson"),
                migrations.DeleteModel(name="GroupCustomer"),
            ],
            database_operations=[],
        ),
    ]
