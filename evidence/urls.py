from django.urls import path

from evidence import views

urlpatterns = [
    path("updates/<int:pk>/evidence/", views.add, name="evidence-add"),
    path("evidence/<int:pk>/", views.download, name="evidence-download"),
    path("evidence/<int:pk>/remove/", views.remove, name="evidence-remove"),
    path("evidence/<int:pk>/publishable/", views.publishable, name="evidence-publishable"),
]
