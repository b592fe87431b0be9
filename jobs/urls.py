from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("<int:pk>/", views.job_view, name="job"),
    path("<int:pk>/progress/", views.progress_view, name="progress"),
    path("<int:pk>/download/", views.download_view, name="download"),
    path("<int:pk>/retry/", views.retry_view, name="retry"),
]
