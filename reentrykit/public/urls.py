from django.urls import path

from reentrykit.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.directory, name="directory"),
    path("services.json", views.directory_feed, name="directory_feed"),
    path("scorecard/", views.scorecard, name="scorecard"),
]
