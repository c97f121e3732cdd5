from django.urls import path

from reentrykit.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("<slug:kind>/", views.document, name="document"),
    path("<slug:kind>/download/", views.download, name="download"),
]
