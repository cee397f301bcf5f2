from django.urls import path

from actions import people_views, round_views, sheet_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("my-actions/", views.my_actions, name="my-actions"),
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan-detail"),
    # The lead's round: one action at a time, or all on one page, then what it came to.
    path("plans/<slug:slug>/my-round/", round_views.lead_round_walk, name="lead-round"),
    path("plans/<slug:slug>/my-round/all/", round_views.lead_round_all, name="lead-round-all"),
    path("plans/<slug:slug>/my-round/summary/", round_views.lead_round_summary, name="lead-round-summary"),
    path("plans/<slug:slug>/roll-forward/", views.roll_forward, name="plan-roll-forward"),
    path("areas/<int:pk>/", views.area_detail, name="area-detail"),
    path("areas/<int:pk>/close/", views.area_close_view, name="area-close"),
    path("areas/<int:pk>/actions/edit/", sheet_views.area_sheet_view, name="area-sheet"),
    path("actions/", views.action_list, name="action-list"),
    path("actions/<int:pk>/", views.action_detail, name="action-detail"),
    path("actions/<int:pk>/update/", views.action_update, name="action-update"),
    path("plans/<slug:slug>/officers/", views.plan_officers, name="plan-officers"),
    path("plans/<slug:slug>/officers/new/", people_views.officer_new, name="plan-officer-new"),
    path("plans/<slug:slug>/officers/<int:pk>/edit/", people_views.officer_change, name="plan-officer-edit"),
    path("plans/<slug:slug>/organisations/new/", people_views.organisation_new, name="plan-organisation-new"),
    path(
        "plans/<slug:slug>/organisations/<int:pk>/edit/",
        people_views.organisation_change,
        name="plan-organisation-edit",
    ),
    path("officers/<int:pk>/", views.officer_detail, name="officer-detail"),
    path("officers/<int:pk>/hand-over/", views.officer_hand_over, name="officer-hand-over"),
    path("officers/<int:pk>/correct-name/", views.officer_correct_name_view, name="officer-correct-name"),
]
