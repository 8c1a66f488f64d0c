"""Items as a list shows them, with their controls: the list screens, the call log of
step 2 and the follow-up actions of the outcome page all use these.

Any item can be read, edited in place or asked about before removal; an ``Entry``
says which, where focus goes after a swap, and the URLs of its controls, so one set
of templates (templates/cases/lists/_controls.html, _confirm_remove.html) serves all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.text import Text

# (item id, what to focus on it), e.g. (12, "controls"); id 0 with "heading" is the list.
Focus = tuple[int, str] | None


@dataclass
class Entry:
    obj: Any  # the model instance
    label: str  # its heading: "Tamoxifen"
    name: str  # how sentences and the controls' hidden text name it: "‘Tamoxifen’"
    dom_id: str  # "record-12"
    urls: dict[str, str]  # "edit", "move", "remove" and any item action, when allowed
    cancel_url: str  # back to the list, focus on this item's controls
    list_name: Text  # completes "remove ‘…’ from …?"
    focus: str = ""
    editing: bool = False
    removing: bool = False
    first: bool = False
    last: bool = False
    # Set by a list's hooks: a status tag (text, css class), a flag, the edit link's words.
    tag: tuple[str, str] | None = None
    attention: bool = False
    edit_text: Text = gettext_lazy("Edit")
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pk(self) -> int:
        return self.obj.pk


def make_entries(
    items: Iterable[models.Model],
    *,
    label: Callable[[Any], str],
    prefix: str,
    urls: Callable[[Any], dict[str, str]],
    list_url: str,
    list_name: Text,
    focus: Focus = None,
    editing: models.Model | None = None,
    removing: models.Model | None = None,
    name: Callable[[Any], str] | None = None,
) -> list[Entry]:
    entries = [
        Entry(
            obj=obj,
            label=label(obj),
            name=name(obj) if name else _("‘%(label)s’") % {"label": label(obj)},
            dom_id=f"{prefix}-{obj.pk}",
            urls=urls(obj),
            cancel_url=f"{list_url}?item={obj.pk}",
            list_name=list_name,
        )
        for obj in items
    ]
    _mark_state(entries, focus=focus, editing=editing, removing=removing)
    return entries


def _mark_state(
    entries: list[Entry],
    *,
    focus: Focus,
    editing: models.Model | None,
    removing: models.Model | None,
) -> None:
    """Where this request is in the list: the item edited or asked about, where focus goes,
    and the ends (which have no move up or move down)."""
    for entry in entries:
        entry.focus = focus[1] if focus and focus[0] == entry.pk else ""
        entry.editing = editing is not None and editing.pk == entry.pk
        entry.removing = removing is not None and removing.pk == entry.pk
    if entries:
        entries[0].first = True
        entries[-1].last = True


def focus_after_cancel(request: HttpRequest) -> Focus:
    """After "Cancel" the list returns focus to the item the person was working on."""
    if (back_to := request.GET.get("item", "")).isdigit():
        return (int(back_to), "controls")
    return None
