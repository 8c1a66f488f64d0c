"""Roadmap steps 1, 2 and 4 (step 3 lives in lists); their sections are in urls.sections."""

from django.urls import path

from cases.views import insurance, roadmap

urlpatterns = [
    path("steps/inform-provider/", roadmap.step_inform, name="step_inform"),
    path("steps/insurance/", insurance.step_insurance, name="step_insurance"),
    path("steps/insurance/calls/", insurance.call_add, name="call_add"),
    path("steps/insurance/calls/<int:call_id>/remove/", insurance.call_delete, name="call_delete"),
    path("steps/appointment/", roadmap.step_appointment, name="step_appointment"),
    path("steps/appointment/calendar.ics", roadmap.appointment_ics, name="appointment_ics"),
]
