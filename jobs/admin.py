from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """For seeing what the workers did; jobs are queued and retried from the app's own pages."""

    list_display = ("label", "status", "requested_by", "attempts", "created_at", "finished_at")
    list_filter = ("status",)
    search_fields = ("label", "subject")
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
