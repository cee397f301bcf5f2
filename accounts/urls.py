from django.urls import path

from accounts import views
from accounts.oidc import views as organisation

urlpatterns = [
    path("accounts/", views.account, name="account"),
    # The timeout warning asks how long is left (GET) and stays signed in (POST): JSON for static/js/app.js.
    path("accounts/session/", views.session_status, name="session-status"),
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
    # Sign in with your organisation (OpenID Connect): reached without signing in.
    path("accounts/organisation/<slug:key>/", organisation.organisation_sign_in, name="organisation-sign-in"),
    path(
        "accounts/organisation/<slug:key>/callback/",
        organisation.organisation_sign_in_callback,
        name="organisation-sign-in-callback",
    ),
    path("accounts/signed-out/", organisation.signed_out, name="signed-out"),
    # Organisation sign-ins waiting for a programme manager to link them to an account.
    path("accounts/organisation-sign-ins/", organisation.organisation_sign_ins, name="organisation-sign-ins"),
    path(
        "accounts/organisation-sign-ins/<int:pk>/",
        organisation.organisation_sign_in_decide,
        name="organisation-sign-in-decide",
    ),
]
