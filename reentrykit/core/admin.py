from django.contrib import admin

from reentrykit.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "coalition", "actor", "via", "action", "model", "object_repr"]
    list_filter = ["action", "via", "model"]
    search_fields = ["object_repr", "actor__email"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
