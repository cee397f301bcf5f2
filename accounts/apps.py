from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in and sessions"

    def ready(self):
        # Connects the security-event receivers (logins, failures, lockouts, sign-outs).
        from accounts import signals  # noqa: F401
