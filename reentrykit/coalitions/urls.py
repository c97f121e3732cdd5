from django.urls import path

from reentrykit.coalitions import views

app_name = "coalitions"

urlpatterns = [
    path("", views.home, name="home"),
    path("coalition/", views.overview, name="overview"),
    path("settings/", views.settings_view, name="settings"),
    path("members/", views.members, name="members"),
    path("members/<int:membership_id>/", views.member_edit, name="member_edit"),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("organizations/", views.organizations, name="organizations"),
    path("organizations/<int:organization_id>/", views.organization_edit, name="organization_edit"),
    path(
        "organizations/<int:organization_id>/delete/",
        views.organization_delete,
        name="organization_delete",
    ),
    path("invitations/", views.invitations, name="invitations"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("audit/", views.audit_trail, name="audit"),
]
