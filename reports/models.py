"""Termly progress reports: prepared by the comms officer, approved by the board chair, published on the Local Offer.

A report's content is assembled from history as at one moment (see reports/content.py), so it can be rebuilt
exactly. Publishing stores the rendered PDF and HTML with the PDF's SHA-256; a published report never changes.
A mistake found later is put right by a new version of the report that says what it corrects.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from actions.models import Plan, ReportingPeriod, VersionedModel


class TermlyReport(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for approval"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="termly_reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="termly_reports")
    number = models.PositiveSmallIntegerField("version", default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(
        blank=True,
        help_text="The board's plain-English summary of the term, for families. A blank line starts a paragraph.",
    )
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    correction_note = models.TextField("what this version corrects", blank=True)
    # The moment the figures are read as at. Empty until submitted: a draft shows the period as it stands.
    as_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_note = models.TextField(blank=True, help_text="Why the chair sent the report back, if they did.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField("PDF size (bytes)", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "period__start", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "period", "number"], name="report_unique_version"),
            # One version in preparation at a time for a plan's term.
            models.UniqueConstraint(
                fields=["plan", "period"], condition=~Q(status="published"), name="report_one_in_preparation"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | (Q(published_at__isnull=False) & ~Q(pdf_sha256="")),
                name="report_published_has_file",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_note=""), name="report_correction_says_what"
            ),
        ]

    def __str__(self) -> str:
        version = f" (version {self.number})" if self.number > 1 else ""
        return f"{self.plan.local_area}: progress report, {self.period.name}{version}"

    def get_absolute_url(self) -> str:
        return reverse("report-detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("public-report", args=[self.plan.slug, self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def file_stem(self) -> str:
        """The name its downloads share ("...-summer-2025-v2"), before ".pdf", ".csv" or ".json"."""
        version = f"-v{self.number}" if self.number > 1 else ""
        # Slugified: a period's name is typed by people and goes into a Content-Disposition header.
        return f"{self.plan.slug}-{slugify(self.period.name)}{version}"

    @property
    def filename(self) -> str:
        return f"{self.file_stem}.pdf"


class PublishedFile(models.Model):
    """The bytes published: written once, in the same transaction as the report's publication, never updated.

    Kept in the database (not on a disk) so every app server can serve it and backups carry it."""

    report = models.OneToOneField(TermlyReport, on_delete=models.PROTECT, related_name="published_file")
    pdf = models.BinaryField()
    html = models.TextField(help_text="The public page's report body, as published.")
    # The figures of the same content as open data (reports/open_data.py), frozen with the page. Empty for reports
    # published before open data existed: those have no CSV or JSON (docs/open-data.md).
    data = models.JSONField("open data", null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Published file of {self.report_id}"


class RenderedPdf(models.Model):
    """A draft report's PDF preview, rendered once per content: `key` is the SHA-256 of the document and
    stylesheets WeasyPrint draws it from (reports.rendering.document_key), so a preview of unchanged content is
    served at once, and two people asking for the same one share one render. The document is kept until it is
    rendered (the job renders exactly what was asked for); the PDF is kept until the report is published."""

    report = models.ForeignKey(TermlyReport, on_delete=models.CASCADE, related_name="rendered_pdfs")
    key = models.CharField(max_length=64, unique=True)
    document = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField()
    rendered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"PDF preview {self.key[:12]} of report {self.report_id}"

    def get_absolute_url(self) -> str:
        return reverse("report-pdf-preview", args=[self.report_id, self.key])

    @property
    def is_rendered(self) -> bool:
        return self.pdf is not None
