from django.urls import path

from reentrykit.metrics import views

app_name = "metrics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/<int:indicator_id>/targets/", views.indicator_target, name="indicator_target"),
]
