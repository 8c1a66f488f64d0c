from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cases.models import Case, Opinion


def panel_context(request: HttpRequest, case: Case, opinion: Opinion) -> dict[str, Any]:
    """What this concern's panel on the case page needs."""
    return {}
