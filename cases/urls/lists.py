"""Step 3's lists: the medical-records checklist, medications and questions for the doctor."""

from django.urls import path

from cases.views import medications, questions, records

urlpatterns = [
    path("records/", records.record_list, name="records"),
    path("records/add/", records.record_add, name="record_add"),
    path("records/<int:record_id>/status/", records.record_status, name="record_status"),
    path("records/<int:record_id>/edit/", records.record_edit, name="record_edit"),
    path("records/<int:record_id>/remove/", records.record_remove, name="record_remove"),
    path("medications/", medications.medication_list, name="medications"),
    path("medications/add/", medications.medication_add, name="medication_add"),
    path(
        "medications/<int:medication_id>/edit/",
        medications.medication_edit,
        name="medication_edit",
    ),
    path(
        "medications/<int:medication_id>/move/",
        medications.medication_move,
        name="medication_move",
    ),
    path(
        "medications/<int:medication_id>/remove/",
        medications.medication_remove,
        name="medication_remove",
    ),
    path("questions/", questions.question_list, name="questions"),
    path("questions/add/", questions.question_add, name="question_add"),
    path("questions/<int:question_id>/edit/", questions.question_edit, name="question_edit"),
    path("questions/<int:question_id>/move/", questions.question_move, name="question_move"),
    path("questions/<int:question_id>/remove/", questions.question_remove, name="question_remove"),
]
