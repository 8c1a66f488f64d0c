"""URLs outside any case: the invitation link. The token carries no health data."""

from django.urls import path

from cases.views import invitations

urlpatterns = [
    path("invitations/<str:token>/", invitations.landing, name="invitation_landing"),
    path("invitations/<str:token>/accept/", invitations.accept, name="invitation_accept"),
]
