"""A member's choice of email reminders about a case."""

from django.urls import path

from cases.views import reminders

urlpatterns = [
    path("reminders/", reminders.reminder_settings, name="case_reminders"),
]
