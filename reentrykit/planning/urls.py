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
    path(
        "priorities/<int:priority_id>/goals/new/",
        views.child_new,
        {"part": "goal"},
        name="goal_new",
    ),
    path("goals/<int:goal_id>/", views.child_edit, {"part": "goal"}, name="goal_edit"),
    path(
        "goals/<int:goal_id>/improvements/new/",
        views.child_new,
        {"part": "improvement"},
        name="improvement_new",
    ),
    path(
        "improvements/<int:improvement_id>/",
        views.child_edit,
        {"part": "improvement"},
        name="improvement_edit",
    ),
    path(
        "goals/<int:goal_id>/updates/new/", views.child_new, {"part": "update"}, name="update_new"
    ),
    path("updates/<int:update_id>/", views.child_edit, {"part": "update"}, name="update_edit"),
    path("history/", views.history, name="history"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/<slug:part>/new/", views.monitoring_entry, name="monitoring_new"),
    path("monitoring/<slug:part>/<int:entry_id>/", views.monitoring_entry, name="monitoring_edit"),
    path("buy-in/", views.buy_in, name="buy_in"),
    path("buy-in/<int:stakeholder_id>/", views.stakeholder_edit, name="stakeholder_edit"),
    path(
        "buy-in/<int:stakeholder_id>/shares/new/",
        views.child_new,
        {"part": "share"},
        name="share_new",
    ),
    path("shares/<int:share_id>/", views.child_edit, {"part": "share"}, name="share_edit"),
    path("public-safety/", views.safety, name="safety"),
    path("public-safety/<int:objective_id>/", views.safety_edit, name="safety_edit"),
    path("goals/<int:goal_id>/steps/new/", views.child_new, {"part": "step"}, name="step_new"),
    path("steps/<int:step_id>/", views.child_edit, {"part": "step"}, name="step_edit"),
]
