from django.urls import path

from reentrykit.network import views

app_name = "coalition_network"

urlpatterns = [
    path("", views.coalition_networks, name="networks"),
]
