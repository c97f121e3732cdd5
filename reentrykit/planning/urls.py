from django.urls import path

from reentrykit.planning import documents, views

app_name = "planning"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("download/", documents.download, name="download"),
    path("priorities/new/", views.priority_new, name="priority_new"),
    path("priorities/adopt/", views.priority_adopt, name="priority_adopt"),
    path("candidates/rank/", views.candidate_rank, name="candidate_rank"),
    path("candidates/<int:candidate_id>/score/", views.candidate_score, name="candidate_score"),
    path("priorities/<int:priority_id>/", views.priority_edit, name="priority_edit"),
    path("priorities/<int:priority_id>/goals/new/", views.goal_new, name="goal_new"),
    path("goals/<int:goal_id>/", views.goal_edit, name="goal_edit"),
    path("goals/<int:goal_id>/improvements/new/", views.improvement_new, name="improvement_new"),
    path("improvements/<int:improvement_id>/", views.improvement_edit, name="improvement_edit"),
    path("goals/<int:goal_id>/updates/new/", views.update_new, name="update_new"),
    path("updates/<int:update_id>/", views.update_edit, name="update_edit"),
    path("history/", views.history, name="history"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/<slug:part>/new/", views.monitoring_entry, name="monitoring_new"),
    path("monitoring/<slug:part>/<int:entry_id>/", views.monitoring_entry, name="monitoring_edit"),
    path("buy-in/", views.buy_in, name="buy_in"),
    path("buy-in/<int:stakeholder_id>/", views.stakeholder_edit, name="stakeholder_edit"),
    path("buy-in/<int:stakeholder_id>/shares/new/", views.share_new, name="share_new"),
    path("shares/<int:share_id>/", views.share_edit, name="share_edit"),
    path("public-safety/", views.safety, name="safety"),
    path("public-safety/<int:objective_id>/", views.safety_edit, name="safety_edit"),
    path("goals/<int:goal_id>/steps/new/", views.step_new, name="step_new"),
    path("steps/<int:step_id>/", views.step_edit, name="step_edit"),
]
