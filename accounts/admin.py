"""Organisation sign-ins in the admin, for superusers only (like user accounts and two-factor devices: a programme
manager who could relink a sign-in could take over an account). Everyday linking is the programme managers' page in
the app (accounts.oidc.views); this is for undoing a wrong link: delete the row, and the person's next sign-in is
matched or waits again."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import OrganisationIdentity


@admin.register(OrganisationIdentity)
class OrganisationIdentityAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "provider", "status", "user", "linked_by", "last_sign_in_at"]
    list_filter = ["provider", "status", "linked_by"]
    search_fields = ["name", "email", "user__username"]
    readonly_fields = [
        "provider",
        "subject",
        "email",
        "name",
        "first_seen_at",
        "last_sign_in_at",
        "decided_by",
        "decided_at",
    ]
    raw_id_fields = ["user"]
