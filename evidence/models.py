"""Evidence files a lead attaches to a progress update (a report, minutes, an audit, a spreadsheet of figures).

The bytes are kept in Django's file storage (settings.STORAGES["default"]: a folder under MEDIA_ROOT by default, an
S3-compatible or Azure bucket in production), never in a folder the web server serves: every download goes through
evidence.views.download, which checks the reader may see the update. A file is never deleted while the plan's record
stands: removing it records who removed it and when, and it stops being listed or served.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from actions.locking import user_label
from actions.models import ProgressUpdate, VersionedModel


class EvidenceFile(VersionedModel):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence_files")
    # Stored under a name the app makes up (evidence/<year>/<month>/<random>.<ext>): nothing the uploader typed
    # reaches the storage's paths.
    file = models.FileField(max_length=200)
    # The file's name as the uploader's computer gave it, without any folder: shown to people and offered as the
    # download's name.
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()
    # Marked by a programme manager: listed and served with a published report that shows its update
    # (reports.selectors.publishable_evidence_of, docs/open-data.md).
    publishable = models.BooleanField(default=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["update", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="evidence_file_not_empty"),
            # Removed means both when and by whom (the remover's account may later go, leaving the date).
            models.CheckConstraint(
                condition=Q(removed_at__isnull=False) | Q(removed_by__isnull=True),
                name="evidence_file_removed_by_only_when_removed",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def uploader_label(self) -> str:
        """Who added it, as people know them (post and name where an officer record links them): select
        uploaded_by__officer."""
        return user_label(self.uploaded_by) if self.uploaded_by is not None else "a former user"
