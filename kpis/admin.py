"""KPIs, milestones and measurements for the programme manager, saved through the same services as the app."""

from django.contrib import admin

from actions.admin import VersionedAdmin
from kpis.models import Kpi, Measurement, Milestone
from kpis.services import kpi_create, kpi_refresh_suggestions


@admin.register(Kpi)
class KpiAdmin(VersionedAdmin):
    list_display = ("ref", "measure", "plan", "area", "category", "unit", "polarity", "owner")
    list_filter = ("plan", "category", "unit", "polarity")
    search_fields = ("ref", "measure")
    list_select_related = ("plan", "area", "owner")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            # Targets, polarity or tolerance may have changed: the suggestions follow.
            kpi_refresh_suggestions(kpi=obj, by=request.user)
        else:
            kpi_create(kpi=obj, by=request.user)


@admin.register(Milestone)
class MilestoneAdmin(VersionedAdmin):
    list_display = ("kpi", "months", "due_date", "target_value", "suggested_rag", "rag")
    list_filter = ("kpi__plan", "months", "rag")
    list_select_related = ("kpi",)
    readonly_fields = ("version", "updated_at", "suggested_rag")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        kpi_refresh_suggestions(kpi=obj.kpi, by=request.user)


@admin.register(Measurement)
class MeasurementAdmin(VersionedAdmin):
    list_display = ("kpi", "period_date", "period_label", "value", "value_text", "status", "restated_at")
    list_filter = ("kpi__plan", "status")
    list_select_related = ("kpi",)
    # A restatement is recorded on the KPI's page (a new row beside the old); here a row is only corrected.
    readonly_fields = ("version", "updated_at", "restated_at")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        kpi_refresh_suggestions(kpi=obj.kpi, by=request.user)
