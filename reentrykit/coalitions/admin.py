from django.contrib import admin

from reentrykit.coalitions.models import Coalition, Membership, PartnerOrganization


class OrganizationInline(admin.TabularInline):
    model = PartnerOrganization
    extra = 0


@admin.register(Coalition)
class CoalitionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "jurisdiction_type", "state", "suppression_k", "is_demo"]
    list_filter = ["jurisdiction_type", "is_demo"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganizationInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "coalition", "role", "organization"]
    list_filter = ["role", "coalition"]
    search_fields = ["user__email", "coalition__name"]
    autocomplete_fields = ["user", "coalition"]
