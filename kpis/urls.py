from django.urls import path

from kpis import views

urlpatterns = [
    path("plans/<slug:slug>/scorecard/", views.scorecard, name="scorecard"),
    path("plans/<slug:slug>/exceptions/", views.exceptions, name="kpi-exceptions"),
    path("kpis/<int:pk>/", views.kpi_detail, name="kpi-detail"),
    path("kpis/<int:pk>/measurements/new/", views.measurement_new, name="measurement-new"),
    path("measurements/<int:pk>/restate/", views.measurement_edit, name="measurement-edit"),
    path("milestones/<int:pk>/", views.milestone_edit, name="milestone-edit"),
    path("milestones/<int:pk>/target/", views.milestone_target, name="milestone-target"),
]
