"""The web pages (server-rendered, HTMX only to enhance): the dashboard and the public part.

The incident pages are vigie.incidents.views."""

from .dashboard import DashboardView, PublicHomeView, home
from .public import MethodologyView, OpenDataDownloadView, OpenDataView

__all__ = [
    "DashboardView",
    "PublicHomeView",
    "home",
    "MethodologyView",
    "OpenDataDownloadView",
    "OpenDataView",
]
