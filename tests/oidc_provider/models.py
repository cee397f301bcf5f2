from django.conf import settings
from django.db import models


class Claims(models.Model):
    """What the provider says about a person in their ID token besides `sub`: email, email_verified, name, groups,
    amr, acr... as a test sets them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    data = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"claims of {self.user}"
