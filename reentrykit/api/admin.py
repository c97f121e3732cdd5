from django.contrib import admin
from django.http import HttpRequest

from reentrykit.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff can see and revoke (set revoked_at) tokens; a token's secret is never stored."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["user__email", "name", "prefix"]
    exclude = ["token_hash"]
    readonly_fields = ["user", "name", "prefix", "second_factor", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
