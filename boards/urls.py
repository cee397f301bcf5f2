from django.urls import path

from boards import views

urlpatterns = [
    path("boards/", views.board_list, name="board-list"),
    path("boards/new/", views.board_new, name="board-new"),
    path("boards/<int:pk>/", views.board_detail, name="board-detail"),
    path("boards/<int:pk>/edit/", views.board_edit, name="board-edit"),
    path("boards/<int:pk>/meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/agenda/new/", views.agenda_item_new, name="agenda-item-new"),
    path("meetings/<int:pk>/decisions/new/", views.decision_new, name="decision-new"),
    path("meetings/<int:pk>/board-actions/new/", views.board_action_new, name="board-action-new"),
    path("board-actions/<int:pk>/edit/", views.board_action_edit, name="board-action-edit"),
]
