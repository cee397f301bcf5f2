from django.urls import path

from api import token_views

urlpatterns = [
    path("api-tokens/", token_views.token_list, name="api-tokens"),
    path("api-tokens/<int:pk>/revoke/", token_views.token_revoke, name="api-token-revoke"),
]
