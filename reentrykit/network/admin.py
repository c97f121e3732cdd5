from django.contrib import admin

from reentrykit.network.models import CoachAssignment, Network, NetworkRole, NetworkSite


class SiteInline(admin.TabularInline):
    model = NetworkSite
    extra = 0


class RoleInline(admin.TabularInline):
    model = NetworkRole
    extra = 0


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "start_date", "end_date", "is_demo"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SiteInline, RoleInline]


@admin.register(CoachAssignment)
class CoachAssignmentAdmin(admin.ModelAdmin):
    list_display = ["coach", "site"]
