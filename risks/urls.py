from django.urls import path

from risks import views

urlpatterns = [
    path("plans/<slug:slug>/risks/", views.register, name="risk-register"),
    path("plans/<slug:slug>/risks/heat-map/", views.heat_map, name="risk-heat-map"),
    path("plans/<slug:slug>/risks/new/", views.risk_new, name="risk-new"),
    path("risks/<int:pk>/", views.risk_detail, name="risk-detail"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risk-edit"),
    path("risks/<int:pk>/review/", views.risk_review, name="risk-review"),
]
