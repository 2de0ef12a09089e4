from django.urls import path

from dpo_requests import backoffice

app_name = "backoffice"
urlpatterns = [
    path("", backoffice.dashboard, name="dashboard"),
    path("requests/", backoffice.queue, name="queue"),
    path("requests/<int:pk>/", backoffice.detail, name="request"),
    path("requests/<int:pk>/act/", backoffice.act, name="act"),
    path("requests/<int:pk>/archive/", backoffice.archive, name="archive"),
    path("audit/", backoffice.audit_log, name="audit"),
    path("record-of-processing/", backoffice.processing_record, name="processing_record"),
    path("emails/", backoffice.email_templates, name="emails"),
]
