"""API tokens: how Power BI and advisers' tools read the plan data at /api/v1/ (docs/api.md, decision 0029).

Only a hash of each token is kept: the token itself is shown once, when it is made, and cannot be read back from
the database, a backup or the admin. A token reads as its user (a service account) may read, and stops working
when revoked or when its user is deactivated.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    # Not a VersionedModel: nobody edits a token. It is made, used and revoked; revoking is idempotent (a second
    # revoke of the same token changes nothing), so there is no lost update for a version number to catch.
    name = models.CharField(max_length=100, help_text='What the token is for, e.g. "Power BI board pack".')
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    # sha256 of the whole token, hex: tokens are 256 random bits, so a fast hash is enough (no dictionary to try).
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters after "sp_", shown in lists so a person can tell their tokens apart.
    prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user.username})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
