"""One URL per section of the case page and of the step pages, from the section registry."""

from django.urls import path

from cases.sections import SECTIONS
from cases.views.sections import section_edit

urlpatterns = [
    path(s.path, section_edit, {"section": s.key}, name=s.url_name) for s in SECTIONS.values()
]
