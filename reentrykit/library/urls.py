from django.urls import path

from reentrykit.library import views

app_name = "library"

urlpatterns = [
    path("practices/", views.practices, name="practices"),
    path("practices/new/", views.practice_new, name="practice_new"),
    path("practices/<int:practice_id>/", views.practice, name="practice"),
    path("practices/<int:practice_id>/edit/", views.practice_edit, name="practice_edit"),
    path("documents/", views.document_list, name="documents"),
    path("documents/<slug:kind>/", views.document, name="document"),
    path("documents/<slug:kind>/download/", views.download, name="download"),
]
