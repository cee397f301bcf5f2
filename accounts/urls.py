from django.urls import path

from accounts import views

urlpatterns = [
    path("accounts/", views.account, name="account"),
    path("accounts/two-factor/", views.two_factor_verify, name="two-factor-verify"),
    path("accounts/two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    # An invitation's link: reached without signing in (the person has no password yet).
    path("accounts/set-password/<str:uidb64>/<str:token>/", views.set_password, name="set-password"),
    # Forgotten passwords: ask for a link, be told to check your email, set a new password with the link. No sign-in.
    path("accounts/password-reset/", views.password_reset, name="password-reset"),
    path("accounts/password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "accounts/password-reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("officers/<int:pk>/invite/", views.officer_invite, name="officer-invite"),
    path("officers/<int:pk>/deactivate/", views.officer_deactivate, name="officer-deactivate"),
]
