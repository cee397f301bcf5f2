"""An uploaded workbook waits here between its preview and the programme manager's confirmation, so any app
server (or background worker) can carry out the confirmation (no file lives on one server's disk). A small one is
removed once confirmed or refused. A large one is checked and imported by background jobs, and keeps its row, with
the check's result and without its file, once done, so that its page can still show the problems or the outcome.
Every staged upload is removed after a day (workbooks.services.uploads_purge_stale)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class WorkbookUpload(models.Model):
    class Kind(models.TextChoices):
        WORKBOOK = "workbook", "Plan workbook"  # the app's own contract (docs/import.md)
        TRACKER = "tracker", "Area's own tracker"  # mapped on the mapping page first (decision 0024)

    class Status(models.TextChoices):
        MAPPING = "mapping", "Being mapped"
        CHECKING = "checking", "Being checked"
        PREVIEWED = "previewed", "Previewed"
        IMPORTING = "importing", "Being imported"
        REFUSED = "refused", "Refused"
        IMPORTED = "imported", "Imported"

    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    imported_at = models.DateTimeField(null=True, blank=True)
    # How many data rows the workbook holds: above SENDPLAN_IMPORT_BACKGROUND_ROWS it is checked and imported by
    # background jobs, and `result` keeps what the check (then the import) found, for its page.
    rows = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WORKBOOK)
    # A tracker's mapping and the plan's facts as the programme manager confirmed them on the mapping page
    # (workbooks.tracker.mapping.staged_json): the preview and the confirmation read the file under it.
    mapping = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.uploaded_at:%d %b %Y %H:%M})"

    @property
    def in_background(self) -> bool:
        return self.result is not None or self.status in (self.Status.CHECKING, self.Status.IMPORTING)


class TrackerMapping(models.Model):
    """How a plan's own tracker maps onto the app, as last confirmed: next term's file of the same shape opens on
    the mapping page with every column's choice, the sheets left out and the words read as they were, and with
    the plan chosen (decision 0024). Matched to a file by its sheets' names and headings."""

    plan = models.OneToOneField("actions.Plan", on_delete=models.CASCADE, related_name="tracker_mapping")
    mapping = models.JSONField()  # workbooks.tracker.mapping.mapping_json
    filename = models.CharField(max_length=255, blank=True)  # the file it was last confirmed for
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Tracker mapping of {self.plan}"
