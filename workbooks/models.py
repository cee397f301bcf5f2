"""An uploaded workbook waits here between its preview and the programme manager's confirmation, so any app
server can carry out the confirmation (no file lives on one server's disk). It is removed once confirmed or
refused, and after a day if nobody confirms it (workbooks.services.uploads_purge_stale)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class WorkbookUpload(models.Model):
    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        IMPORTED = "imported", "Imported"

    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.uploaded_at:%d %b %Y %H:%M})"
