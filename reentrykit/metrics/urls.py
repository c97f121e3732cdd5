from django.urls import path

from reentrykit.metrics import views

app_name = "metrics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.export, name="export"),
    path("report.pdf", views.dashboard_pdf, name="pdf"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/<int:indicator_id>/targets/", views.indicator_target, name="indicator_target"),
    path("indicators/<int:indicator_id>/remove/", views.indicator_remove, name="indicator_remove"),
    path(
        "indicators/<int:indicator_id>/targets/<int:target_id>/remove/",
        views.target_remove,
        name="target_remove",
    ),
]
