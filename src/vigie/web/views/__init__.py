"""The web pages (server-rendered, HTMX only to enhance): dashboard, incidents, the public part."""

from .dashboard import DashboardView, PublicHomeView, home
from .incidents import IncidentDetailView, IncidentExportView, IncidentFiguresView, IncidentListView
from .public import MethodologyView, OpenDataDownloadView, OpenDataView

__all__ = [
    "DashboardView",
    "PublicHomeView",
    "home",
    "IncidentDetailView",
    "IncidentExportView",
    "IncidentFiguresView",
    "IncidentListView",
    "MethodologyView",
    "OpenDataDownloadView",
    "OpenDataView",
]
