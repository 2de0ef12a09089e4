from django.urls import path

from training import views

app_name = "training"
urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    # Self-registration: the form, the page after it, and the emailed confirmation link.
    path("sessions/<int:pk>/register/", views.registration_form, name="registration_form"),
    path(
        "sessions/<int:pk>/register/done/",
        views.registration_submitted,
        name="registration_submitted",
    ),
    path(
        "register/confirm/<str:token>/",
        views.registration_confirmation,
        name="registration_confirmation",
    ),
]
