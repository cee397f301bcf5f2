from django.urls import path

from governance import views

urlpatterns = [
    path("dashboard/", views.dashboard_index, name="dashboard-index"),
    path("plans/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("plans/<slug:slug>/rounds/", views.round_list, name="round-list"),
    path("periods/<int:pk>/round/", views.round_detail, name="round-detail"),
    path("periods/<int:pk>/round/open/", views.round_open_view, name="round-open"),
    path("periods/<int:pk>/round/close/", views.round_close_view, name="round-close"),
    path("plans/<slug:slug>/challenges/", views.challenge_list, name="challenge-list"),
    path("actions/<int:pk>/challenge/", views.challenge_new, name="challenge-new"),
    path("challenges/<int:pk>/", views.challenge_detail, name="challenge-detail"),
    path("challenges/<int:pk>/respond/", views.challenge_respond_view, name="challenge-respond"),
    path("actions/<int:pk>/comments/new/", views.comment_new, name="comment-new"),
    path("comments/<int:pk>/respond/", views.comment_respond_view, name="comment-respond"),
    # A meeting's board pack (boards hold the meeting and the stored pack; governance reads the dashboard into it).
    path("meetings/<int:pk>/pack/", views.meeting_pack, name="meeting-pack"),
    path("meetings/<int:pk>/pack/pdf/", views.meeting_pack_pdf, name="meeting-pack-pdf"),
    path("meetings/<int:pk>/pack/produce/", views.meeting_pack_produce, name="meeting-pack-produce"),
    path("meetings/<int:pk>/pack/email/", views.meeting_pack_email, name="meeting-pack-email"),
]
