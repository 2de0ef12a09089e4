from django.urls import path

from attendance import views

app_name = "attendance"
urlpatterns = [
    # The half-day's page the trainer's QR code opens; the trainee types their code.
    path("sign/<str:token>/", views.sign_with_code, name="sign"),
    # The personal link sent with the convocation: signs the half-day open now.
    path("me/<str:token>/", views.sign_with_link, name="sign_me"),
    path("certificate/<str:token>/", views.certificate_download, name="certificate"),
]
