from django.contrib.auth.forms import AuthenticationForm


class GovukAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        # Same words whether or not the account exists, so the form does not reveal who has one.
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }
