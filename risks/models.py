"""The risk register: "If ... then ..." risks scored on a 5x5 likelihood x impact matrix, banded per plan, with
reviews that move the current position over time. A plan that never scored its risks (seed 000) records only
a severity band."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actions.models import Action, AreaOfWeakness, Officer, Plan, ReportingPeriod, VersionedModel

SCALE = range(1, 6)


class Band(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


# GOV.UK tag colours; the tag always carries the band's name as well.
BAND_TAG_CLASS = {
    Band.LOW: "govuk-tag--green",
    Band.MEDIUM: "govuk-tag--yellow",
    Band.HIGH: "govuk-tag--orange",
    Band.VERY_HIGH: "govuk-tag--red",
}


def _scale_check(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 1, f"{field}__lte": 5})


def _pair_check(prefix: str) -> Q:
    """Likelihood and impact are given together or not at all."""
    return Q(**{f"{prefix}_likelihood__isnull": True, f"{prefix}_impact__isnull": True}) | Q(
        **{f"{prefix}_likelihood__isnull": False, f"{prefix}_impact__isnull": False}
    )


class RiskBands(VersionedModel):
    """A plan's score thresholds: Low up to `low_max`, Medium up to `medium_max`, High up to `high_max`, then Very
    high. The defaults are the common council matrix (1-4, 5-9, 10-15, 16-25)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="risk_bands")
    low_max = models.PositiveSmallIntegerField(default=4)
    medium_max = models.PositiveSmallIntegerField(default=9)
    high_max = models.PositiveSmallIntegerField(default=15)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "risk bands"
        constraints = [
            models.CheckConstraint(
                condition=Q(low_max__gte=1)
                & Q(medium_max__gt=F("low_max"))
                & Q(high_max__gt=F("medium_max"))
                & Q(high_max__lt=25),
                name="risk_bands_in_order",
                violation_error_message="Band limits must rise: 1 <= Low < Medium < High < 25.",
            ),
        ]

    def __str__(self) -> str:
        return f"Bands for {self.plan}"

    def band(self, score: int | None) -> str:
        if score is None:
            return ""
        if score <= self.low_max:
            return Band.LOW
        if score <= self.medium_max:
            return Band.MEDIUM
        if score <= self.high_max:
            return Band.HIGH
        return Band.VERY_HIGH


DEFAULT_BANDS = RiskBands(low_max=4, medium_max=9, high_max=15)


class Risk(VersionedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risks")
    area = models.ForeignKey(AreaOfWeakness, null=True, blank=True, on_delete=models.SET_NULL, related_name="risks")
    ref = models.CharField(max_length=20)
    risk = models.TextField(help_text='Written "If ... then ...".')
    cause = models.TextField(blank=True)
    consequence = models.TextField(blank=True)
    owner = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="owned_risks")
    severity = models.CharField(
        max_length=10, choices=Band.choices, blank=True, help_text="The band, for a risk the plan never scored."
    )
    inherent_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    inherent_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    current_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    current_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    target_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    target_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    mitigation = models.TextField(blank=True)
    progress = models.TextField("progress following action", blank=True)
    actions = models.ManyToManyField(Action, blank=True, related_name="risks")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_reason = models.TextField(blank=True)
    review_every_days = models.PositiveSmallIntegerField("review every (days)", default=30)
    next_review = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    HISTORY_HIDDEN_FIELDS = ("plan",)

    class Meta:
        ordering = ["plan", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="risk_unique_ref_per_plan"),
            *[
                models.CheckConstraint(
                    condition=_scale_check(f"{prefix}_{axis}"),
                    name=f"risk_{prefix}_{axis}_1_5",
                    violation_error_message="Likelihood and impact are scored from 1 to 5.",
                )
                for prefix in ("inherent", "current", "target")
                for axis in ("likelihood", "impact")
            ],
            *[
                models.CheckConstraint(
                    condition=_pair_check(prefix),
                    name=f"risk_{prefix}_scored_in_pairs",
                    violation_error_message="Give both likelihood and impact, or neither.",
                )
                for prefix in ("inherent", "current", "target")
            ],
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(closed_reason=""),
                name="risk_closed_needs_reason",
                violation_error_message="Say why the risk is closed.",
            ),
            models.CheckConstraint(
                condition=Q(current_likelihood__isnull=False) | ~Q(severity=""),
                name="risk_scored_or_banded",
                violation_error_message="Score the risk's current position, or give its severity band.",
            ),
            models.CheckConstraint(condition=Q(review_every_days__gte=1), name="risk_review_frequency_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.risk[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("risk-detail", args=[self.pk])

    @staticmethod
    def _score(likelihood, impact) -> int | None:
        return likelihood * impact if likelihood and impact else None

    @property
    def inherent_score(self) -> int | None:
        return self._score(self.inherent_likelihood, self.inherent_impact)

    @property
    def current_score(self) -> int | None:
        return self._score(self.current_likelihood, self.current_impact)

    @property
    def target_score(self) -> int | None:
        return self._score(self.target_likelihood, self.target_impact)

    def band(self, bands: RiskBands) -> str:
        """The current band: from the score where the risk is scored, else the severity the plan gave it."""
        return bands.band(self.current_score) or self.severity

    @property
    def review_overdue(self) -> bool:
        return (
            self.status == self.Status.OPEN
            and self.next_review is not None
            and (self.next_review < timezone.localdate())
        )


class RiskReview(VersionedModel):
    """A dated review: a note and, for a scored risk, the new current likelihood and impact."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(default=date.today)
    period = models.ForeignKey(
        ReportingPeriod, null=True, blank=True, on_delete=models.SET_NULL, related_name="risk_reviews"
    )
    likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    impact = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by_officer = models.ForeignKey(
        Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="risk_reviews"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "reviewed_on", "id"]
        constraints = [
            models.CheckConstraint(condition=_scale_check("likelihood"), name="review_likelihood_1_5"),
            models.CheckConstraint(condition=_scale_check("impact"), name="review_impact_1_5"),
            models.CheckConstraint(
                condition=Q(likelihood__isnull=True, impact__isnull=True)
                | Q(likelihood__isnull=False, impact__isnull=False),
                name="review_scored_in_pairs",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.risk.ref} on {self.reviewed_on}"

    @property
    def score(self) -> int | None:
        return Risk._score(self.likelihood, self.impact)
