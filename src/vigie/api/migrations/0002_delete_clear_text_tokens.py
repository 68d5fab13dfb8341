"""Delete the API tokens that rest_framework.authtoken kept in clear.

A token stored in clear must be treated as leaked: anyone with a copy of the database (a backup, a
dump sent for support) could act as its user. Their table is emptied and dropped; users are given
new tokens with `vigie token create` (stored as hashes, ending on a date). Nothing to undo.
"""

from django.db import migrations

CLEAR_TEXT_TABLE = "authtoken_token"


def delete_clear_text_tokens(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if CLEAR_TEXT_TABLE in tables:
        table = schema_editor.quote_name(CLEAR_TEXT_TABLE)
        schema_editor.execute(f"DELETE FROM {table}")
        schema_editor.execute(f"DROP TABLE {table}")
    if "django_migrations" in tables:
        # rest_framework.authtoken is no longer installed: its applied migrations go with its table,
        # so that installing it again would create the table afresh.
        schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_token_proxy")]

    operations = [
        migrations.RunPython(delete_clear_text_tokens, migrations.RunPython.noop, elidable=False)
    ]
