from django.urls import path

from accounts import views

urlpatterns = [
    path("accounts/", views.account, name="account"),
    path("accounts/two-factor/", views.two_factor_verify, name="two-factor-verify"),
    path("accounts/two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    # An invitation's link: reached without signing in (the person has no password yet).
    path("accounts/set-password/<str:uidb64>/<str:token>/", views.set_password, name="set-password"),
    path("officers/<int:pk>/invite/", views.officer_invite, name="officer-invite"),
    path("officers/<int:pk>/deactivate/", views.officer_deactivate, name="officer-deactivate"),
]
