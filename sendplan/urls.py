from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from accounts.oidc.views import SignOutView
from api.views import urlpatterns as api_v1
from sendplan import health
from sendplan.forms import GovukAuthenticationForm

admin.site.site_header = "sendplan administration"
admin.site.site_title = "sendplan admin"
# The 500 page quotes the request id and must not fail in turn (sendplan/errors.py).
handler500 = "sendplan.errors.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # The read-only API for Power BI and advisers: tokens only, never a browser session (docs/api.md).
    path("api/v1/", include(api_v1)),
    path(
        "accounts/login/",
        login_not_required(
            auth_views.LoginView.as_view(authentication_form=GovukAuthenticationForm, redirect_authenticated_user=True)
        ),
        name="login",
    ),
    # Django's sign-out, offering the provider's sign-out after an organisation sign-in (accounts.oidc.views).
    path("accounts/logout/", SignOutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("kpis.urls")),
    path("", include("risks.urls")),
    path("", include("workbooks.urls")),
    path("", include("boards.urls")),
    path("", include("governance.urls")),
    path("", include("reports.urls")),
    path("", include("jobs.urls")),
    path("", include("planfields.urls")),
    path("", include("planning.urls")),
    path("", include("evidence.urls")),
    path("", include("search.urls")),
    path("", include("statements.urls")),
    path("", include("api.urls")),
    path("", include("actions.urls")),
]
