from django.urls import path

from retention import views

app_name = "retention"
urlpatterns = [path("backoffice/retention/", views.overview, name="overview")]
