from django.urls import path

from cookies import views

app_name = "cookies"
urlpatterns = [
    path("cookies/preferences/", views.preferences, name="preferences"),
    path("cookies/audience/", views.audience, name="audience"),
]
