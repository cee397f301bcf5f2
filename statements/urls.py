from django.urls import path

from statements import views

urlpatterns = [
    # Public, at the addresses visitors expect to find them (linked from every page's footer).
    path("accessibility/", views.statement_page, {"kind": "accessibility"}, name="statement-accessibility"),
    path("privacy/", views.statement_page, {"kind": "privacy"}, name="statement-privacy"),
    path("cookies/", views.statement_page, {"kind": "cookies"}, name="statement-cookies"),
    path("statements/<slug:kind>/edit/", views.statement_edit_view, name="statement-edit"),
]
