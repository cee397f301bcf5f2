from django.contrib import admin

from actions.admin import VersionedAdmin
from risks.models import Risk, RiskBands, RiskReview


@admin.register(RiskBands)
class RiskBandsAdmin(VersionedAdmin):
    list_display = ("plan", "low_max", "medium_max", "high_max")


@admin.register(Risk)
class RiskAdmin(VersionedAdmin):
    list_display = ("ref", "risk", "plan", "area", "owner", "current_likelihood", "current_impact", "status")
    list_filter = ("plan", "status", "severity")
    search_fields = ("ref", "risk")
    list_select_related = ("plan", "area", "owner")
    filter_horizontal = ("actions",)


@admin.register(RiskReview)
class RiskReviewAdmin(VersionedAdmin):
    """Read-only: reviews are recorded through the review form, which moves the risk's current position."""

    list_display = ("risk", "reviewed_on", "likelihood", "impact", "reviewed_by_officer")
    list_select_related = ("risk", "reviewed_by_officer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
