from django.urls import include, path

from bench.web import views

urlpatterns = [
    path("bench/hello/", views.hello),
    path("bench/insert/", views.insert),
    path("", include("config.urls")),
]
