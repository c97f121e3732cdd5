from django.urls import path

from reentrykit.resources import views

app_name = "resources"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("services/new/", views.service, name="service_new"),
    path("services/<int:service_id>/", views.service, name="service_edit"),
    path("needs/", views.needs, name="needs"),
    path("needs/<slug:need>/candidate/", views.gap_candidate, name="gap_candidate"),
    path("map/", views.map_grid, name="map"),
    path("map/<slug:point>/<slug:system>/", views.map_cell, name="map_cell"),
    path("map/gaps/<int:cell_id>/candidate/", views.map_candidate, name="map_candidate"),
    path("funding/", views.funding, name="funding"),
    path("funding/<slug:part>/new/", views.funding_entry, name="funding_new"),
    path("funding/<slug:part>/<int:entry_id>/", views.funding_entry, name="funding_edit"),
]
