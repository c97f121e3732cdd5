from django.contrib import admin

from reentrykit.assessment.models import (
    CandidatePriority,
    ConsensusRating,
    InstrumentVersion,
    LocalItem,
    Respondent,
    Response,
    Round,
)


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "content_hash", "created_at"]
    # A version in use never changes: see reentrykit/assessment/instrument.py.
    readonly_fields = ["version", "content_hash", "content", "created_at"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "coalition", "status", "deadline", "opened_at", "closed_at"]
    list_filter = ["status", "coalition"]
    search_fields = ["name", "coalition__name"]
    readonly_fields = ["instrument_version", "opened_at", "closed_at"]


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):
    list_display = ["user", "round", "sector"]
    list_filter = ["sector"]
    search_fields = ["user__email", "round__name"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["item_key", "respondent", "round", "rating", "dont_know", "updated_at"]
    list_filter = ["dont_know"]
    search_fields = ["item_key", "respondent__user__email", "round__name"]


admin.site.register(LocalItem)
admin.site.register(ConsensusRating)
admin.site.register(CandidatePriority)
