from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    """django.contrib.admin, whose site opens to superusers (the instance's operators) only."""

    default_site = "vigie.accounts.admin_site.OperatorAdminSite"
