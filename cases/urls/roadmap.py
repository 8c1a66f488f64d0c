"""The case's detail sections and roadmap steps 1, 2 and 4 (step 3 lives in lists)."""

from django.urls import path

from cases.views import roadmap

S = roadmap.section_edit

urlpatterns = [
    # Sections of the case page ("about" is case_edit, at edit/)
    path("details/diagnosis/", S, {"section": "diagnosis"}, name="case_edit_diagnosis"),
    path("details/treatment/", S, {"section": "treatment"}, name="case_edit_treatment"),
    path("details/reasons/", S, {"section": "reasons"}, name="case_edit_reasons"),
    # Step 1: inform your primary provider
    path("steps/inform-provider/", roadmap.step_inform, name="step_inform"),
    path("steps/inform-provider/provider/", S, {"section": "provider"}, name="inform_provider"),
    path("steps/inform-provider/choice/", S, {"section": "inform"}, name="inform_choice"),
    # Step 2: check insurance and referral
    path("steps/insurance/", roadmap.step_insurance, name="step_insurance"),
    path("steps/insurance/policy/", S, {"section": "policy"}, name="insurance_policy"),
    path("steps/insurance/coverage/", S, {"section": "coverage"}, name="insurance_coverage"),
    path("steps/insurance/referral/", S, {"section": "referral"}, name="insurance_referral"),
    path(
        "steps/insurance/prior-authorization/",
        S,
        {"section": "prior_auth"},
        name="insurance_prior_auth",
    ),
    path("steps/insurance/calls/", roadmap.call_add, name="call_add"),
    path("steps/insurance/calls/<int:call_id>/remove/", roadmap.call_delete, name="call_delete"),
    # Step 4: schedule the appointment
    path("steps/appointment/", roadmap.step_appointment, name="step_appointment"),
    path(
        "steps/appointment/specialist/",
        S,
        {"section": "specialist"},
        name="appointment_specialist",
    ),
    path("steps/appointment/when/", S, {"section": "appointment"}, name="appointment_details"),
    path("steps/appointment/calendar.ics", roadmap.appointment_ics, name="appointment_ics"),
]
