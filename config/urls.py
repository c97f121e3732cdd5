from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from reentrykit.api.api import api
from reentrykit.api.reference import api_reference
from reentrykit.core import views as core_views

admin.site.site_header = "ReentryKit administration"
admin.site.site_title = "ReentryKit admin"

# Every coalition-scoped app mounts under c/<coalition_slug>/ so that the access
# sweep in reentrykit/core/tests/test_access_sweep.py finds it.
coalition_patterns = [
    path("", include("reentrykit.coalitions.urls")),
    path("network/", include("reentrykit.network.coalition_urls")),
    path("data/", include("reentrykit.data.urls")),
    path("measures/", include("reentrykit.metrics.urls")),
    path("assess/", include("reentrykit.assessment.urls")),
    path("library/", include("reentrykit.library.urls")),
    path("resources/", include("reentrykit.resources.urls")),
    path("plan/", include("reentrykit.planning.urls")),
    path("support/", include("reentrykit.support.urls")),
]

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path("switch/", core_views.switch_coalition, name="switch_coalition"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("reentrykit.accounts.urls")),
    path("c/<slug:coalition_slug>/", include(coalition_patterns)),
    path("n/<slug:network_slug>/", include("reentrykit.network.urls")),
    # Pages a coalition publishes for anyone (reentrykit.public).
    path("p/<slug:coalition_slug>/", include("reentrykit.public.urls")),
    path("n/<slug:network_slug>/practices/", include("reentrykit.library.network_urls")),
    path("api/v1/docs", api_reference, name="api_reference"),
    path("api/v1/", api.urls),
    # The admin signs in through the app's own sign-in page, which pauses an address
    # after too many wrong passwords and asks for the second factor; the admin's form
    # would be a second, unthrottled way to test passwords.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path("admin/", admin.site.urls),
]
