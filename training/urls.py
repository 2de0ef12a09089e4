from django.urls import path

from training import views

app_name = "training"
urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    # Self-registration: the form, the page after it, and the emailed confirmation link.
    path("sessions/<int:pk>/register/", views.register, name="register"),
    path("sessions/<int:pk>/register/done/", views.registered, name="registered"),
    path("register/confirm/<str:token>/", views.confirm, name="confirm"),
]
