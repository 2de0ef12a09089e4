from django.urls import path

from retention import dpo_views, views

app_name = "retention"
urlpatterns = [
    path("backoffice/retention/", views.overview, name="overview"),
    path("backoffice/retention/run/", dpo_views.run, name="run"),
    path("backoffice/retention/run/<int:pk>/", dpo_views.run_status, name="run_status"),
    path("backoffice/retention/approvals/", dpo_views.approval_list, name="approvals"),
    path("backoffice/retention/approvals/rule/", dpo_views.approval_set, name="approval_set"),
    path("backoffice/retention/approvals/<int:pk>/", dpo_views.pending, name="pending"),
    path("backoffice/retention/approvals/<int:pk>/approve/", dpo_views.approve, name="approve"),
]
