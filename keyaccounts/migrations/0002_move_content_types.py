"""The content types of the moved group models go from ``membership`` to ``keyaccounts``
(decisions.md D-HOUSE-1).

A content type row is renamed, not replaced: its id stays, so what points at it keeps
pointing at the same model — the permissions given to the roles, the admin's log entries,
and the grants a key person or an upgrade request caused (``LevelGrant.cause_type``).
Reversible: backwards the rows go back to ``membership``.

Should a ``keyaccounts`` row exist already for one of the models (``post_migrate`` ran
between 0001 and this migration, say after ``migrate keyaccounts 0001``), it is the new,
unused one: it is removed (with its permissions, made again from the kept row) before the
old row is renamed.
"""

from django.contrib.contenttypes.models import ContentType as LiveContentType
from django.db import migrations

# The moved models (model names as in django_content_type), with simple_history's.
MOVED_MODELS = (
    "groupcustomer",
    "historicalgroupcustomer",
    "keyperson",
    "historicalkeyperson",
    "groupmember",
    "contactlog",
    "upgraderequest",
    "upgraderequestevent",
    "kpifigure",
)


def _move(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = ContentType.objects.using(schema_editor.connection.alias)
    for model in MOVED_MODELS:
        moving = rows.filter(app_label=source, model=model).first()
        if moving is None:
            continue
        rows.filter(app_label=target, model=model).delete()
        moving.app_label = target
        moving.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()
    LiveContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move(apps, schema_editor, "membership", "keyaccounts")


def backwards(apps, schema_editor):
    _move(apps, schema_editor, "keyaccounts", "membership")


class Migration(migrations.Migration):

    dependencies = [
        ("keyaccounts", "0001_initial"),
        ("membership", "0008_move_group_models_to_keyaccounts"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
