from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from sendplan.forms import GovukAuthenticationForm

admin.site.site_header = "sendplan administration"
admin.site.site_title = "sendplan admin"

urlpatterns = [
    path(
        "accounts/login/",
        login_not_required(
            auth_views.LoginView.as_view(authentication_form=GovukAuthenticationForm, redirect_authenticated_user=True)
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("kpis.urls")),
    path("", include("risks.urls")),
    path("", include("workbooks.urls")),
    path("", include("boards.urls")),
    path("", include("governance.urls")),
    path("", include("reports.urls")),
    path("", include("actions.urls")),
]
