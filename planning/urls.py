from django.urls import path

from planning import views

urlpatterns = [
    # Before actions.urls, so /plans/new/ is this page and not a plan called "new" (planning.services keeps that
    # slug free).
    path("plans/new/", views.plan_new, name="plan-new"),
    path("plans/<slug:slug>/details/", views.plan_edit, name="plan-edit"),
    path("plans/<slug:slug>/rag-key/", views.rag_key_edit, name="plan-rag-key"),
    path("plans/<slug:slug>/setup/areas/", views.area_list, name="setup-areas"),
    path("plans/<slug:slug>/setup/areas/add/", views.area_new, name="setup-area-add"),
    path("areas/<int:pk>/setup/", views.area_setup, name="setup-area"),
    path("areas/<int:pk>/setup/details/", views.area_edit, name="setup-area-edit"),
    path("areas/<int:pk>/setup/move/", views.area_move_view, name="setup-area-move"),
    path("areas/<int:pk>/findings/add/", views.statement_new, {"kind": "finding"}, name="finding-add"),
    path("findings/<int:pk>/", views.statement_edit, {"kind": "finding"}, name="finding-edit"),
    path("findings/<int:pk>/remove/", views.statement_delete, {"kind": "finding"}, name="finding-remove"),
    path("areas/<int:pk>/outcomes/add/", views.statement_new, {"kind": "outcome"}, name="outcome-add"),
    path("outcomes/<int:pk>/", views.statement_edit, {"kind": "outcome"}, name="outcome-edit"),
    path("outcomes/<int:pk>/remove/", views.statement_delete, {"kind": "outcome"}, name="outcome-remove"),
    path("plans/<slug:slug>/periods/add/", views.period_new, name="period-add"),
    path("periods/<int:pk>/edit/", views.period_edit, name="period-edit"),
    path("periods/<int:pk>/remove/", views.period_delete, name="period-remove"),
]
