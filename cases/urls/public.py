"""URLs outside any case: invitation and unsubscribe links. Tokens carry no health data."""

from django.urls import path

from cases.views import invitations, reminders

urlpatterns = [
    path("invitations/<str:token>/", invitations.landing, name="invitation_landing"),
    path("invitations/<str:token>/accept/", invitations.accept, name="invitation_accept"),
    path("reminders/stop/<str:token>/", reminders.unsubscribe, name="reminders_unsubscribe"),
]
