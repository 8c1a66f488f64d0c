"""Step 3's lists: the medical-records checklist, medications and questions for the doctor."""

from django.urls import path

from cases.views import medications, questions, records

urlpatterns = [
    path("records/", records.record_list, name="records"),
    path("medications/", medications.medication_list, name="medications"),
    path("questions/", questions.question_list, name="questions"),
]
