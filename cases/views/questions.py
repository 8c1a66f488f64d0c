"""Placeholder; replaced shortly."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.access import get_case


def question_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id)
    return render(request, "cases/case_detail.html", {"case": case, "opinion": case.current_opinion()})
