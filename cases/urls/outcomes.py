"""After the appointment: outcome, follow-up actions, comparison, decision and its summary."""

from django.urls import path

from cases.views import outcome_page, outcomes

urlpatterns = [
    path(
        "opinions/<int:opinion_id>/outcome/",
        outcome_page.outcome,
        name="opinion_outcome",
    ),
    path(
        "opinions/<int:opinion_id>/actions/",
        outcome_page.action_add,
        name="outcome_action_add",
    ),
    path(
        "actions/<int:action_id>/done/",
        outcome_page.action_done,
        name="outcome_action_done",
    ),
    path(
        "actions/<int:action_id>/remove/",
        outcome_page.action_remove,
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
