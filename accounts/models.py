"""Organisation sign-in records: who a provider's account is in this app, and the organisation's own second factor
(docs/decisions/0027-organisation-sign-in.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_otp.models import Device
from simple_history.models import HistoricalRecords

from actions.models import VersionedModel


class OrganisationIdentity(VersionedModel):
    """One account at an organisation's provider, known by the provider's key and the token's `sub` (stable for the
    person; an e-mail address can be reused or renamed), and the app user it signs in as once linked.

    A first sign-in links itself when the provider vouches for an e-mail address that is exactly one account's;
    otherwise it waits here, pending, for a programme manager to link it to an account or refuse it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a programme manager"
        LINKED = "linked", "Linked"
        REFUSED = "refused", "Refused"

    class LinkedBy(models.TextChoices):
        EMAIL = "email", "Matching e-mail address"
        MANAGER = "manager", "Programme manager"

    provider = models.CharField(max_length=30, help_text="The provider's key in SENDPLAN_OIDC_PROVIDERS")
    subject = models.CharField(max_length=255, help_text="The ID token's sub claim")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="organisation_identities",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    linked_by = models.CharField(max_length=10, choices=LinkedBy.choices, blank=True)
    # What the provider said at the last sign-in, so a programme manager can tell who is asking.
    email = models.CharField(max_length=254, blank=True)
    name = models.CharField(max_length=200, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["first_seen_at", "pk"]
        verbose_name = "organisation sign-in"
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="accounts_identity_one_per_subject"),
            # One account per person at each provider: a second link would make whose updates these are unclear.
            models.UniqueConstraint(
                fields=["provider", "user"], condition=Q(user__isnull=False), name="accounts_identity_one_per_user"
            ),
            models.CheckConstraint(
                condition=Q(status="linked", user__isnull=False) | (~Q(status="linked") & Q(user__isnull=True)),
                name="accounts_identity_linked_has_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.email or self.subject} ({self.provider})"

    @property
    def provider_name(self) -> str:
        """The organisation's name for pages; a provider since removed from the settings is named by its key."""
        provider = settings.SENDPLAN_OIDC_PROVIDERS.get(self.provider)
        return provider.name if provider is not None else self.provider


class OrganisationMfa(Device):
    """The organisation's own multi-factor check, as a django-otp device: a sign-in whose ID token says a second
    factor was used (amr/acr, the provider's MFA_VALUES) marks the session verified with it, as an authenticator
    app's code would. It never accepts a typed code."""

    provider = models.CharField(max_length=30)

    class Meta:
        verbose_name = "organisation multi-factor check"
        constraints = [
            models.UniqueConstraint(fields=["user", "provider"], name="accounts_organisation_mfa_one_per_provider")
        ]

    def verify_token(self, token) -> bool:
        return False
