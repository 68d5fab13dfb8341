"""The source pages. Included by vigie.intake.urls, so their names stay intake:source_list, ..."""

from django.urls import path

from . import views

urlpatterns = [
    path("sources/", views.source_list, name="source_list"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("sources/<int:pk>/publish/", views.source_publish, name="source_publish"),
]
