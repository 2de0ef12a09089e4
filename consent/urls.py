from django.urls import path

from consent import views

app_name = "consent"
urlpatterns = [
    path("privacy/", views.privacy_policy, name="privacy"),
    path("my-data/new-link/", views.link_request, name="request"),
    path("my-data/<str:token>/", views.manage, name="manage"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
