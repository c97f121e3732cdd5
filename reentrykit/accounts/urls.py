from django.contrib.auth import views as auth_views
from django.urls import path

from reentrykit.accounts import views
from reentrykit.api import views as api_views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("sign-up/", views.coalition_sign_up, name="coalition_sign_up"),
    path("sign-up/sent/", views.coalition_sign_up_sent, name="coalition_sign_up_sent"),
    path("sign-up/<str:token>/", views.coalition_sign_up_finish, name="coalition_sign_up_finish"),
    path("api-tokens/", api_views.tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", api_views.token_revoke, name="api_token_revoke"),
]
