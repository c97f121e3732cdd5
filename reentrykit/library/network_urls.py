from django.urls import path

from reentrykit.library import views

app_name = "network_library"

urlpatterns = [
    path("", views.network_practices, name="practices"),
    path("<int:practice_id>/", views.network_practice, name="practice"),
    path("<int:practice_id>/feature/", views.practice_feature, name="practice_feature"),
]
