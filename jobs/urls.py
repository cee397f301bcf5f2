from django.urls import path

from jobs import views

urlpatterns = [
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/status.json", views.job_status, name="job-status"),
    path("jobs/<int:pk>/retry/", views.job_retry_view, name="job-retry"),
]
