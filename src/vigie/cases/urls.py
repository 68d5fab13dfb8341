from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_new, name="case_new"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/status/", views.case_status, name="case_status"),
    path("<int:pk>/findings/", views.case_findings, name="case_findings"),
    path("<int:pk>/referrals/", views.case_referral_add, name="case_referral_add"),
    path("<int:pk>/referrals/status/", views.case_referral_status, name="case_referral_status"),
    path("<int:pk>/tasks/", views.case_task_add, name="case_task_add"),
    path("<int:pk>/tasks/done/", views.case_task_done, name="case_task_done"),
]
