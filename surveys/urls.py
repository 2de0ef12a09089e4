from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("survey/<str:token>/", views.answer, name="answer"),
    path("surveys/results/", views.results, name="results"),
    path("surveys/results/sessions/<int:pk>/", views.session_results, name="session_results"),
    path("surveys/results/courses/<int:pk>/", views.course_results, name="course_results"),
]
