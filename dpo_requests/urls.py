from django.urls import path

from dpo_requests import views

app_name = "dpo_requests"
urlpatterns = [
    path("privacy/requests/new/", views.request_new, name="new"),
    path("privacy/requests/verify/<str:token>/", views.verify, name="verify"),
    path("privacy/requests/download/<str:token>/", views.download, name="download"),
]
