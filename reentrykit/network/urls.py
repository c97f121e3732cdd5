from django.urls import path

from reentrykit.network import coaching_views, views

app_name = "network"

urlpatterns = [
    path("", views.network_home, name="home"),
    path("coaches/", views.coach_add, name="coach_add"),
    path("coaches/<int:role_id>/remove/", views.coach_remove, name="coach_remove"),
    path("coaches/<int:role_id>/sites/", views.coach_assignment, name="coach_assignment"),
    path("sites/<int:site_id>/remove/", views.site_remove, name="site_remove"),
    path("join-code/", views.join_code_reset, name="join_code_reset"),
    path("compare/", views.compare, name="compare"),
    path("compare/export/", views.compare_export, name="compare_export"),
    path("coaching/", coaching_views.overview, name="coaching"),
    path("report/", views.synthesis_page, name="synthesis"),
    path("report.pdf", views.synthesis_pdf, name="synthesis_pdf"),
]
