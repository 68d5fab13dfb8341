"""Seed the grants that replace two role checks written in code: managing an organisation's members
(its administrators) and editing its own sources (its coordinators and administrators).

An instance seeded before these grants existed gets them here, and behaves as it did; on a new
instance 0004 seeded them already (it seeds every default grant), and nothing is added twice.
"""

from django.db import migrations

LABELS = ("core.membership", "reports.source")


def seed(apps, schema_editor):
    from vigie.core.permissions import seed_default_grants

    seed_default_grants(apps.get_model("core", "RoleGrant"), labels=LABELS)


def unseed(apps, schema_editor):
    apps.get_model("core", "RoleGrant").objects.filter(
        model__in=LABELS, organisation=None, description="default"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0005_changelog_entry_mac")]
    operations = [migrations.RunPython(seed, unseed)]
