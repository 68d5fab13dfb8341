"""Seed the grants table from vigie.core.permissions.DEFAULT_GRANTS (by label: no other app's migration needed)."""

from django.db import migrations


def seed(apps, schema_editor):
    from vigie.core.permissions import seed_default_grants

    role_grant = apps.get_model("core", "RoleGrant")
    if not role_grant.objects.exists():
        seed_default_grants(role_grant)


def unseed(apps, schema_editor):
    apps.get_model("core", "RoleGrant").objects.filter(description="default").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_role_grants_and_shares")]
    operations = [migrations.RunPython(seed, unseed)]
