from django.urls import path

from reentrykit.assessment.views import consensus, respond, results, rounds

app_name = "assessment"

_round = "rounds/<int:round_id>/"

urlpatterns = [
    path("", rounds.rounds, name="rounds"),
    path(_round, rounds.round_detail, name="round"),
    path(_round + "respondents/", rounds.respondents, name="respondents"),
    path(
        _round + "respondents/<int:respondent_id>/remove/",
        rounds.respondent_remove,
        name="respondent_remove",
    ),
    path(_round + "respondents/import/", rounds.responses_import, name="responses_import"),
    path(_round + "answer-sheet.csv", rounds.answer_sheet_csv, name="answer_sheet"),
    path(_round + "local-items/", rounds.local_items, name="local_items"),
    path(_round + "close/", rounds.round_close, name="close"),
    path(_round + "respond/", respond.respond, name="respond"),
    path(_round + "respond/answer/", respond.answer, name="answer"),
    path(_round + "consensus/", consensus.consensus, name="consensus"),
    path(_round + "consensus/meeting/", consensus.meeting, name="meeting"),
    path(_round + "consensus/record/", consensus.record, name="consensus_record"),
    path(_round + "results/", results.results, name="results"),
    path(_round + "results/candidates/", results.candidate_create, name="candidate_create"),
    path(_round + "report.pdf", results.report_pdf, name="report_pdf"),
    path(_round + "responses.csv", results.responses_csv, name="responses_csv"),
    path(_round + "responses.xlsx", results.responses_xlsx, name="responses_xlsx"),
]
