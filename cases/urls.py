from django.urls import path

from cases.views import cases

urlpatterns = [
    path("", cases.dashboard, name="dashboard"),
    path("cases/new/", cases.case_create, name="case_create"),
    path("cases/<uuid:case_id>/", cases.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<uuid:case_id>/delete/", cases.case_delete, name="case_delete"),
]
