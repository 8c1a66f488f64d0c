"""The one set of views behind every list screen (cases/item_lists.py).

One template serves every state of a list (reading, adding, editing an item,
confirming a removal). Plain requests get the whole page and post/redirect/get;
htmx requests get the ``item-list`` partial, with focus and an announcement. Each
view takes the list's key from its URL (cases/urls/lists.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.access import Need, get_case, get_in_case
from cases.htmx import page_or_partial, saved
from cases.http import AuthenticatedHttpRequest
from cases.item_lists import LISTS, ItemList, heading
from cases.limits import ListFull
from cases.models import Case, Opinion
from cases.services.lists import append_within, is_direction, move
from cases.views.entries import Entry, Focus, focus_after_cancel, make_entries
from cases.views.removed import typed_again

TEMPLATE = "cases/lists/list.html"
PARTIAL = "item-list"


@dataclass
class Screen:
    """One list of one case, as this request sees it."""

    request: AuthenticatedHttpRequest
    case: Case
    spec: ItemList
    owner: Case | Opinion

    @classmethod
    def open(
        cls, request: AuthenticatedHttpRequest, case_id: uuid.UUID, items: str, need: Need
    ) -> Screen:
        case = get_case(request, case_id, need)
        spec = LISTS[items]
        return cls(request, case, spec, spec.owner(case))

    def get(self, pk: int) -> Any:
        return get_in_case(self.case, self.spec.siblings(self.owner), pk)

    def url(self, verb: str, item: Any = None) -> str:
        kwargs = {"case_id": self.case.pk} | ({"item_id": item.pk} if item else {})
        return reverse(self.spec.url_name(verb), kwargs=kwargs)

    def _urls(self, item: Any) -> dict[str, str]:
        verbs = ["edit", "remove", *(["move"] if self.spec.movable else [])]
        verbs += [action.name for action in self.spec.actions]
        return {verb: self.url(verb, item) for verb in verbs}

    def entries(self, focus: Focus, editing: Any, removing: Any) -> list[Entry]:
        spec = self.spec
        return make_entries(
            spec.siblings(self.owner),
            label=spec.label,
            prefix=spec.item,
            urls=self._urls if self.case.membership.can_edit else lambda item: {},
            list_url=self.url("list"),
            list_name=spec.words.list_name,
            focus=focus,
            editing=editing,
            removing=removing,
        )

    def context(
        self,
        *,
        focus: Focus = None,
        editing: Any = None,
        removing: Any = None,
        add_form: forms.BaseForm | None = None,
        failed_form: forms.BaseForm | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Everything the page and its partial need; ``focus`` is (item id, what to focus).
        ``extra``: an ``edit_form`` or ``action_form`` shown, and state a list's own views
        add (a record's failed upload, a file asked about before removal), passed as is."""
        spec, entries = self.spec, self.entries(focus, editing, removing)
        return {
            "case": self.case,
            "opinion": self.owner if spec.on_opinion else None,
            "spec": spec,
            "entries": entries,
            "heading": heading(spec, len(entries)),
            "can_edit": self.case.membership.can_edit,
            **self._adding(add_form, count=len(entries)),
            "form": failed_form,
            "focus_heading": focus is not None and focus[1] == "heading",
            **spec.decorate(entries),
            **extra,
        }

    def _adding(self, add_form: forms.BaseForm | None, count: int) -> dict[str, Any]:
        """The add form, and why there is no room for another item, if so."""
        return {
            # A refused addition keeps its form, so the message stays at its field.
            "no_room": None
            if add_form is not None and add_form.errors
            else self.spec.check_room(self.owner, count=count),
            "add_url": self.url("add"),
            "add_form": add_form or self.spec.make_add_form(self.owner, count=count),
        }

    def render(self, **state: Any) -> HttpResponse:
        return page_or_partial(self.request, TEMPLATE, PARTIAL, self.context(**state))

    def saved(self, message: str, item: Any = None, **state: Any) -> HttpResponse:
        fragment = f"#{self.spec.item}-{item.pk}" if item else ""
        return saved(
            self.request,
            message=message,
            redirect_to=self.url("list") + fragment,
            template=TEMPLATE,
            partial=PARTIAL,
            context=self.context(**state),
        )


@require_safe
def item_list(request: AuthenticatedHttpRequest, case_id: uuid.UUID, items: str) -> HttpResponse:
    screen = Screen.open(request, case_id, items, Need.VIEW)
    return screen.render(focus=focus_after_cancel(request))


@require_POST
def item_add(request: AuthenticatedHttpRequest, case_id: uuid.UUID, items: str) -> HttpResponse:
    screen = Screen.open(request, case_id, items, Need.EDIT)
    spec = screen.spec
    form = spec.make_add_form(screen.owner, request.POST)
    if form.is_valid():
        item = form.save(commit=False)
        setattr(item, "opinion" if spec.on_opinion else "case", screen.owner)
        try:
            append_within(
                item, spec.siblings(screen.owner), case_id=screen.case.pk, limit=spec.limit
            )
        except ListFull as exc:
            form.add_error(spec.label_field, str(exc))
    if form.errors:
        return screen.render(add_form=form, failed_form=form)
    return screen.saved(
        _("Added ‘%(item)s’") % {"item": spec.label(item)}, item, focus=(item.pk, "title")
    )


@require_http_methods(["GET", "POST"])
def item_edit(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, items: str, item_id: int
) -> HttpResponse:
    screen = Screen.open(request, case_id, items, Need.EDIT)
    spec = screen.spec
    try:
        item = screen.get(item_id)
    except Http404:
        prefix = f"{spec.item}-{item_id}"
        again = typed_again(request, screen.case, spec.model, item_id, spec.add_form, prefix)
        return screen.render(add_form=again, failed_form=again)
    form = spec.edit_form(request.POST or None, instance=item, prefix=f"{spec.item}-{item.pk}")
    form.fields[spec.label_field].widget.attrs["data-focus"] = True
    if request.method == "POST" and form.is_valid() and form.save_guarded():
        return screen.saved(
            _("Saved ‘%(item)s’") % {"item": spec.label(item)}, item, focus=(item.pk, "controls")
        )
    failed = form if form.errors else None
    return screen.render(editing=item, edit_form=form, failed_form=failed)


@require_POST
def item_move(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, items: str, item_id: int
) -> HttpResponse:
    screen = Screen.open(request, case_id, items, Need.EDIT)
    item = screen.get(item_id)
    direction = request.POST.get("direction")
    if not is_direction(direction):
        return HttpResponseBadRequest(_("Choose “Move up” or “Move down”."))
    label = screen.spec.label(item)
    if move(item, screen.spec.siblings(screen.owner), direction):
        if direction == "up":
            message = _("Moved ‘%(item)s’ up") % {"item": label}
        else:
            message = _("Moved ‘%(item)s’ down") % {"item": label}
    elif direction == "up":
        message = _("‘%(item)s’ is already at the top") % {"item": label}
    else:
        message = _("‘%(item)s’ is already at the bottom") % {"item": label}
    return screen.saved(message, item, focus=(item.pk, f"move-{direction}"))


@require_http_methods(["GET", "POST"])
def item_remove(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, items: str, item_id: int
) -> HttpResponse:
    """GET asks first, in place (the whole page without JavaScript); POST removes."""
    screen = Screen.open(request, case_id, items, Need.EDIT)
    item = screen.get(item_id)
    if request.method == "POST":
        label = screen.spec.label(item)
        item.delete()
        return screen.saved(_("Removed ‘%(item)s’") % {"item": label}, focus=(0, "heading"))
    return screen.render(focus=(item.pk, "confirm"), removing=item)


@require_POST
def item_action(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, items: str, action: str, item_id: int
) -> HttpResponse:
    """A list's own change to one item (a record's status), from its ItemAction hook."""
    screen = Screen.open(request, case_id, items, Need.EDIT)
    item = screen.get(item_id)
    hook = next(a for a in screen.spec.actions if a.name == action)
    form = hook.form(request.POST, auto_id=f"{screen.spec.item}-{item.pk}-%s")
    if form.is_valid():
        try:
            message = hook.apply(item, form.cleaned_data)
        except forms.ValidationError as exc:
            form.add_error(hook.field, exc)
        else:
            return screen.saved(message, item, focus=(item.pk, hook.focus))
    focus = (item.pk, f"{hook.focus}-error")
    return screen.render(focus=focus, failed_form=form, action_form=form)
