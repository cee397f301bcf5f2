"""The public pages every public sector website owes its visitors: the accessibility statement (the Public Sector
Bodies Accessibility Regulations 2018), the privacy notice (UK GDPR articles 13 and 14) and the cookies page (PECR).

Each is one row, edited by the programme manager in the app and kept in simple-history. A page nobody has edited
yet has no row: it shows the starting text shipped with the app (statements/defaults.py), so a fresh install, or a
test database emptied between tests, always has all three.
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from actions.models import VersionedModel

# Long enough for the GOV.UK model accessibility statement several times over; a bound on what one page stores.
BODY_MAX_LENGTH = 20_000


class Statement(VersionedModel):
    class Kind(models.TextChoices):
        ACCESSIBILITY = "accessibility", "Accessibility statement"
        PRIVACY = "privacy", "Privacy notice"
        COOKIES = "cookies", "Cookies"

    kind = models.CharField(max_length=20, choices=Kind.choices, unique=True)
    body = models.TextField(
        "text",
        max_length=BODY_MAX_LENGTH,
        help_text='Paragraphs separated by a blank line; "## " starts a heading, "- " a bullet point.',
    )
    history = HistoricalRecords()

    # The kind never changes: the history lists only the text.
    HISTORY_HIDDEN_FIELDS = ("kind",)

    class Meta:
        # A stale edit's refusal names the record changed: "Public page: Text".
        verbose_name = "public page"
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["accessibility", "privacy", "cookies"]), name="statement_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
