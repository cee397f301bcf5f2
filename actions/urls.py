from django.urls import path

from actions import sheet_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("my-actions/", views.my_actions, name="my-actions"),
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan-detail"),
    path("plans/<slug:slug>/roll-forward/", views.roll_forward, name="plan-roll-forward"),
    path("areas/<int:pk>/", views.area_detail, name="area-detail"),
    path("areas/<int:pk>/close/", views.area_close_view, name="area-close"),
    path("areas/<int:pk>/actions/edit/", sheet_views.area_sheet_view, name="area-sheet"),
    path("actions/", views.action_list, name="action-list"),
    path("actions/<int:pk>/", views.action_detail, name="action-detail"),
    path("actions/<int:pk>/update/", views.action_update, name="action-update"),
    path("plans/<slug:slug>/officers/", views.plan_officers, name="plan-officers"),
    path("officers/<int:pk>/", views.officer_detail, name="officer-detail"),
    path("officers/<int:pk>/hand-over/", views.officer_hand_over, name="officer-hand-over"),
    path("officers/<int:pk>/correct-name/", views.officer_correct_name_view, name="officer-correct-name"),
]
