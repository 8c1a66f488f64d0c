"""After the appointment: outcome, follow-up actions, comparison, decision and its summary."""

from django.urls import path

from cases.views import outcomes

urlpatterns = [
    path(
        "opinions/<int:opinion_id>/outcome/",
        outcomes.outcome,
        name="opinion_outcome",
    ),
    path(
        "opinions/<int:opinion_id>/actions/",
        outcomes.action_add,
        name="outcome_action_add",
    ),
    path(
        "actions/<int:action_id>/done/",
        outcomes.action_done,
        name="outcome_action_done",
    ),
    path(
        "actions/<int:action_id>/remove/",
        outcomes.action_remove,
        name="outcome_action_remove",
    ),
    path("compare/", outcomes.compare, name="opinion_compare"),
    path(
        "opinions/<int:opinion_id>/decision/",
        outcomes.decide,
        name="opinion_decide",
    ),
    path("decision-summary.pdf", outcomes.decision_summary, name="decision_summary"),
]
