from django.urls import path

from planfields import views

urlpatterns = [
    path("plans/<slug:slug>/fields/", views.field_list, name="plan-fields"),
    path("plans/<slug:slug>/fields/add/", views.field_add, name="plan-field-add"),
    path("fields/<int:pk>/", views.field_edit, name="plan-field-edit"),
    path("fields/<int:pk>/move/", views.field_move, name="plan-field-move"),
    path("fields/<int:pk>/remove/", views.field_remove, name="plan-field-remove"),
    path("areas/<int:pk>/fields/", views.area_values, name="area-own-fields"),
    path("actions/<int:pk>/fields/", views.action_values, name="action-own-fields"),
]
