from django.urls import path

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
    path("sources/", views.source_list, name="source_list"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("sources/<int:pk>/publish/", views.source_publish, name="source_publish"),
    path("actors/", views.actor_list, name="actor_list"),
    path("actors/<int:pk>/", views.actor_detail, name="actor_detail"),
    path("actors/<int:pk>/publish/", views.actor_publish, name="actor_publish"),
    path("places/", views.place_list, name="place_list"),
    path("places/<int:pk>/", views.place_detail, name="place_detail"),
    path("places/<int:pk>/publish/", views.place_publish, name="place_publish"),
]
