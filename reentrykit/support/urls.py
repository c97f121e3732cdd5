from django.urls import path

from reentrykit.support import views

app_name = "support"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:part>/new/", views.entry, name="new"),
    path("<slug:part>/<int:entry_id>/", views.entry, name="edit"),
]
