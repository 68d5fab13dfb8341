from django.urls import include, path

from . import views

app_name = "intake"

urlpatterns = [
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/drafts/", views.drafts, name="drafts"),
    path("reports/drafts/<int:pk>/", views.draft_edit, name="draft_edit"),
    path("reports/<int:pk>/status/", views.report_status, name="report_status"),
    path("reports/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("search/places/", views.place_search, name="place_search"),
    path("search/actors/", views.actor_search, name="actor_search"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/decide/", views.review_decide, name="review_decide"),
    path("review/accept/", views.reports_accept, name="reports_accept"),
    path("review/linkage/", views.linkage, name="linkage"),
    path("incidents/<int:pk>/split/", views.split_incident, name="split"),
    # The pages of sources, actors and places live in their apps; their names stay intake:...
    path("", include("vigie.reports.urls")),
    path("", include("vigie.actors.urls")),
    path("", include("vigie.places.urls")),
]
