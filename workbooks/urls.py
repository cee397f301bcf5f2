from django.urls import path

from workbooks import views

urlpatterns = [
    path("imports/", views.upload, name="workbook-upload"),
    path("imports/<int:pk>/mapping/", views.mapping, name="workbook-mapping"),
    path("imports/<int:pk>/", views.preview, name="workbook-preview"),
    path("imports/<int:pk>/confirm/", views.confirm, name="workbook-confirm"),
    path("imports/template.xlsx", views.template, name="workbook-template"),
    path("plans/<slug:slug>/export.<str:fmt>", views.export, name="plan-export"),
]
