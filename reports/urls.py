from django.urls import path

from reports import feeds, public_views, views

urlpatterns = [
    path("reports/", views.report_index, name="report-index"),
    path("plans/<slug:slug>/reports/", views.report_list, name="report-list"),
    path("plans/<slug:slug>/reports/new/", views.report_new, name="report-new"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", views.report_edit_view, name="report-edit"),
    path("reports/<int:pk>/preview/", views.report_preview, name="report-preview"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report-pdf"),
    path("reports/<int:pk>/pdf/<str:key>/", views.report_pdf_rendered, name="report-pdf-preview"),
    path("reports/<int:pk>/submit/", views.report_submit_view, name="report-submit"),
    path("reports/<int:pk>/approve/", views.report_approve_view, name="report-approve"),
    path("reports/<int:pk>/return/", views.report_return_view, name="report-return"),
    path("reports/<int:pk>/publish/", views.report_publish_view, name="report-publish"),
    path("reports/<int:pk>/correct/", views.report_correct_view, name="report-correct"),
    # The public Local Offer pages (no login).
    path("local-offer/", views.public_index, name="public-index"),
    # Names with a dot never match a plan's slug, so no plan can hide them.
    path("local-offer/reports.atom", feeds.all_reports_feed, name="public-feed"),
    path("local-offer/open-data.schema.json", public_views.public_open_data_schema, name="public-open-data-schema"),
    path("local-offer/<slug:slug>/", views.public_plan, name="public-plan"),
    path("local-offer/<slug:slug>/<int:pk>/", views.public_report, name="public-report"),
    path("local-offer/<slug:slug>/<int:pk>/pdf/", views.public_report_pdf, name="public-report-pdf"),
    path("local-offer/<slug:slug>/reports.atom", feeds.plan_reports_feed, name="public-plan-feed"),
    path("local-offer/<slug:slug>/<int:pk>/data.json", public_views.public_report_json, name="public-report-json"),
    path(
        "local-offer/<slug:slug>/<int:pk>/actions.csv",
        public_views.public_report_actions_csv,
        name="public-report-actions-csv",
    ),
    path(
        "local-offer/<slug:slug>/<int:pk>/kpis.csv", public_views.public_report_kpis_csv, name="public-report-kpis-csv"
    ),
    path(
        "local-offer/<slug:slug>/<int:pk>/evidence/<int:file_pk>/",
        public_views.public_evidence,
        name="public-evidence",
    ),
    path(
        "local-offer/<slug:slug>/chair-updates/<int:pk>/",
        public_views.public_chair_update,
        name="public-chair-update",
    ),
]
