"""Pieces the three list screens (records, medications, questions) share.

Each screen is one template in which any item can be read, edited in place or asked
about before removal; these mark which, and where focus goes after a swap.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.http import HttpRequest

# (item id, what to focus on it), e.g. (12, "edit"); id 0 with "heading" is the list.
Focus = tuple[int, str] | None


def mark_items(
    items: Iterable[models.Model],
    *,
    focus: Focus,
    editing: models.Model | None,
    removing: models.Model | None,
) -> None:
    for item in items:
        item.focus = focus[1] if focus and focus[0] == item.pk else ""
        item.editing = editing is not None and editing.pk == item.pk
        item.removing = removing is not None and removing.pk == item.pk


def focus_after_cancel(request: HttpRequest) -> Focus:
    """After "Cancel" the list returns focus to the item the person was working on."""
    if (back_to := request.GET.get("item", "")).isdigit():
        return (int(back_to), "edit")
    return None
