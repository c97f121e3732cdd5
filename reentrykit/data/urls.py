from django.urls import path

from reentrykit.data import views

app_name = "data"

urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("upload/<str:upload_token>/columns/", views.mapping, name="mapping"),
    path("jobs/<int:job_id>/", views.job, name="job"),
    path("link/", views.link, name="link"),
    path("linkage/", views.linkage_report, name="linkage"),
    path("linkage/review/", views.review, name="review"),
    path("linkage/review/decide/", views.review_decide, name="review_decide"),
    path("linkage/export/", views.export_clusters, name="export_clusters"),
    path("access-log/", views.access_log, name="access_log"),
    path("settings/", views.data_settings, name="settings"),
]
