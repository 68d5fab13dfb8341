"""Every change log entry gets a MAC under the audit key kept outside the database.

Entries written before this upgrade are given their MAC here, at upgrade time: from then on, a
change to them is detected like a change to any other entry; the MAC says nothing of what may have
happened to them before the upgrade (their SHA-256 chain still does, as far as it ever did).
"""

from django.db import migrations, models


def seal_existing_entries(apps, schema_editor):
    entry_model = apps.get_model("core", "ChangeLogEntry")
    database = schema_editor.connection.alias
    entries = entry_model.objects.using(database)
    if not entries.exists():
        return
    from vigie.core.anchor import AuditKeyError, load_audit_key

    try:
        key = load_audit_key()
    except AuditKeyError as error:
        raise RuntimeError(
            f"{error}\nThe change log's existing entries are sealed with this key during the upgrade: "
            "create the keys (`vigie keys init`) or restore them, then run the upgrade again."
        ) from None
    table = schema_editor.connection.ops.quote_name(entry_model._meta.db_table)
    last = 0
    while True:
        rows = list(
            entries.filter(id__gt=last).order_by("id").values_list("id", "entry_hash")[:5000]
        )
        if not rows:
            break
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET entry_mac = %s WHERE id = %s",
                [(key.mac(entry_hash), pk) for pk, entry_hash in rows],
            )
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_default_grants"),
    ]

    operations = [
        migrations.AddField(
            model_name="changelogentry",
            name="entry_mac",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(seal_existing_entries, migrations.RunPython.noop, elidable=False),
    ]
