from django.contrib import admin

from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Lists tokens for support (name, user, last used); never the secret, which is not stored. Tokens are made and
    revoked on the API tokens page or with `manage.py create_api_token`, never here."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username")
    fields = ("name", "user", "prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
