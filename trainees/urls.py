from django.urls import path

from trainees import views

app_name = "trainees"
urlpatterns = [
    path("sessions/<int:pk>/register/", views.register, name="register"),
    path("sessions/<int:pk>/register/done/", views.registered, name="registered"),
    path("register/confirm/<str:token>/", views.confirm, name="confirm"),
]
