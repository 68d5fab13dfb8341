"""The actor pages. Included by vigie.intake.urls, so their names stay intake:actor_list, ..."""

from django.urls import path

from . import views

urlpatterns = [
    path("actors/", views.actor_list, name="actor_list"),
    path("actors/<int:pk>/", views.actor_detail, name="actor_detail"),
    path("actors/<int:pk>/publish/", views.actor_publish, name="actor_publish"),
]
