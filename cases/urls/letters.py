"""Records-request letters, one per place the records come from."""

from django.urls import path

from cases.views import letters

urlpatterns = [
    path("letters/new/", letters.letter_create, name="letter_create"),
    path("letters/<int:letter_id>/", letters.letter_detail, name="letter_detail"),
    path("letters/<int:letter_id>/download/", letters.letter_download, name="letter_download"),
    path("letters/<int:letter_id>/sent/", letters.letter_sent, name="letter_sent"),
]
