"""The place pages. Included by vigie.intake.urls, so their names stay intake:place_list, ..."""

from django.urls import path

from . import views

urlpatterns = [
    path("places/", views.place_list, name="place_list"),
    path("places/<int:pk>/", views.place_detail, name="place_detail"),
    path("places/<int:pk>/publish/", views.place_publish, name="place_publish"),
]
