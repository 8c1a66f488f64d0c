"""The list screens, each described once: records, medications, questions.

An ``ItemList`` says what a list holds, whose list it is (the case's, or its current
opinion's), its forms, its words and its templates. One set of views
(cases/views/item_lists.py) serves every list, and its URLs are built from ``LISTS``
(cases/urls/lists.py). What one list does differently is a hook on its specification:
the records' status change (an ``ItemAction``) and follow-up flags, the questions'
suggestions (``decorate``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from cases import limits
from cases.concurrency import GuardedModelForm
from cases.forms import lists as list_forms
from cases.models import Case, Medication, Opinion, Question, RecordItem
from cases.models.items import FOLLOW_UP_AFTER_DAYS, RecordStatus
from cases.models.querysets import InCaseQuerySet
from cases.services import letters
from cases.services.lists import StatusChangedMeanwhile, change_record_status, unused_suggestions
from cases.text import Text

if TYPE_CHECKING:
    from cases.views.entries import Entry


@dataclass(frozen=True)
class Words:
    """What a list screen says: its title (also the h1), breadcrumb and prompts."""

    title: Text
    crumb: Text
    list_name: Text  # completes "remove ‘…’ from …?"
    empty: Text
    add_heading: Text
    add_button: Text
    add_hint: Text = ""
    heading: Text = gettext_lazy("Your list")  # the list's own heading while it is empty...
    counted: Any = ""  # ...or "N medicines" once it is not, when set (ngettext_lazy, "count")


@dataclass(frozen=True)
class ItemAction:
    """A change to one item with a URL of its own besides edit, move and remove.

    ``apply`` does it and returns the announcement, or raises ValidationError, shown
    at ``field`` of the action's form; focus then goes to the item's "{focus}" control.
    """

    name: str  # in the URL (records/<id>/status/) and its name (record_status)
    form: type[forms.Form]
    apply: Callable[[Any, dict[str, Any]], str]
    field: str
    focus: str


def _no_extras(entries: list[Entry]) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class ItemList:
    key: str  # the URL prefix and the list's URL name: "records"
    item: str  # one item in element ids and URL names: "record" (record-12, record_edit)
    model: type[models.Model]
    on_opinion: bool  # the current opinion's list (earlier ones are history) or the case's
    add_form: type[forms.ModelForm]
    edit_form: type[GuardedModelForm]
    label_field: str  # the field that names an item: "name", "text"
    words: Words
    body: str  # template: an item's details as everyone reads them
    intro: str  # template: what the page says above the list
    above: str = ""  # template, inside the list: above the items
    below: str = ""  # template, inside the list: after the add form
    tools: str = ""  # template: an item's own controls before edit and remove
    files: str = ""  # template: an item's attached documents, after its controls
    nav: str = ""  # template: links on to the steps before and after, for a step's list
    movable: bool = True
    actions: tuple[ItemAction, ...] = ()
    # Sets what entries show besides their fields and returns more page context.
    decorate: Callable[[list[Entry]], dict[str, Any]] = _no_extras
    # The name of its limit in cases/limits.py (None: no limit here); see check_room.
    limit: str | None = None

    @property
    def list_tag(self) -> str:
        """An ordered list when the order is the person's own."""
        return "ol" if self.movable else "ul"

    def owner(self, case: Case) -> Case | Opinion:
        return case.current_opinion() if self.on_opinion else case

    def siblings(self, owner: Case | Opinion) -> InCaseQuerySet[Any]:
        return getattr(owner, self.key).all()

    def make_add_form(
        self, owner: Case | Opinion, data: Any = None, *, count: int | None = None
    ) -> forms.ModelForm:
        """The form that adds to ``owner``'s list (``count``: its items, if already fetched)."""
        return self.add_form(data)

    def label(self, item: models.Model) -> str:
        return str(getattr(item, self.label_field))

    def check_room(self, owner: Case | Opinion, *, count: int | None = None) -> str | None:
        """Why nothing more can be added, or None. ``count``: the items already fetched."""
        if self.limit is None:
            return None
        if count is None:
            count = self.siblings(owner).count()
        return None if limits.has_room(self.limit, count) else limits.full_message(self.limit)

    def url_name(self, verb: str) -> str:
        return self.key if verb == "list" else f"{self.item}_{verb}"


# Records: the status changes in place, and late records are flagged ---------------

STATUS_TAGS = {
    RecordStatus.NEEDED: "tag--grey",
    RecordStatus.REQUESTED: "tag--blue",
    RecordStatus.RECEIVED: "tag--green",
    RecordStatus.SENT: "tag--green",
}


def _flag_records(entries: list[Entry]) -> dict[str, Any]:
    today = timezone.localdate()
    for entry in entries:
        record = entry.obj
        entry.tag = (record.get_status_display(), STATUS_TAGS[record.status])
        if record.needs_follow_up(today):
            entry.attention = True
            entry.extra["follow_up_days"] = (today - record.requested_on).days
    _add_files(entries)
    return {
        "follow_up_count": sum(1 for e in entries if e.attention),
        "follow_up_days": FOLLOW_UP_AFTER_DAYS,
        "statuses": RecordStatus.choices,
        **letters.decorate_records(entries),
    }


def _add_files(entries: list[Entry]) -> None:
    """Each record's attached documents, in one query whatever the number of records."""
    from cases.forms.files import AttachForm
    from cases.models import Attachment

    by_record: dict[int, list[Attachment]] = {e.pk: [] for e in entries}
    for attachment in Attachment.objects.filter(record__in=list(by_record)).select_related(
        "added_by"
    ):
        by_record[attachment.record_id].append(attachment)
    for entry in entries:
        entry.extra["files"] = by_record[entry.pk]
        entry.extra["files_form"] = AttachForm(record_id=entry.pk)
        entry.extra["offer_received"] = bool(by_record[entry.pk]) and entry.obj.status in (
            RecordStatus.NEEDED,
            RecordStatus.REQUESTED,
        )


def _change_status(record: RecordItem, data: dict[str, Any]) -> str:
    try:
        record = change_record_status(record, data["status"], was=data["was"])
    except StatusChangedMeanwhile as exc:
        raise forms.ValidationError(str(exc)) from exc
    return _("Marked ‘%(record)s’ as %(status)s") % {
        "record": record.name,
        "status": record.get_status_display().lower(),
    }


# Questions: suggestions not yet asked, and "note the answer" -------------------------


def _suggest_questions(entries: list[Entry]) -> dict[str, Any]:
    for entry in entries:
        if not entry.obj.answer:
            entry.edit_text = _("Edit or note the answer")
    return {"suggestions": unused_suggestions([e.label for e in entries])}


LISTS: dict[str, ItemList] = {
    spec.key: spec
    for spec in [
        ItemList(
            key="records",
            limit="records",
            item="record",
            model=RecordItem,
            on_opinion=True,
            add_form=list_forms.RecordAddForm,
            edit_form=list_forms.RecordEditForm,
            label_field="name",
            words=Words(
                title=gettext_lazy("Step 3: Request medical records"),
                crumb=gettext_lazy("Medical records"),
                list_name=gettext_lazy("the checklist"),
                empty=gettext_lazy("There is nothing on the checklist yet."),
                add_heading=gettext_lazy("Add a record"),
                add_hint=gettext_lazy(
                    "Anything else the specialist should see, for example older scans "
                    "or a letter from another doctor."
                ),
                add_button=gettext_lazy("Add record"),
                heading=gettext_lazy("Your checklist"),
            ),
            intro="cases/lists/records/_intro.html",
            body="cases/lists/records/_body.html",
            files="cases/lists/records/_files.html",
            above="cases/lists/records/_above.html",
            tools="cases/lists/records/_tools.html",
            nav="cases/lists/records/_nav.html",
            movable=False,
            actions=(
                ItemAction(
                    "status",
                    list_forms.RecordStatusForm,
                    _change_status,
                    field="status",
                    focus="status",
                ),
            ),
            decorate=_flag_records,
        ),
        ItemList(
            key="medications",
            limit="medications",
            item="medication",
            model=Medication,
            on_opinion=False,
            add_form=list_forms.MedicationForm,
            edit_form=list_forms.MedicationEditForm,
            label_field="name",
            words=Words(
                title=gettext_lazy("Medications"),
                crumb=gettext_lazy("Medications"),
                list_name=gettext_lazy("the list"),
                empty=gettext_lazy("No medicines on the list yet."),
                add_heading=gettext_lazy("Add a medicine"),
                add_button=gettext_lazy("Add medication"),
                counted=ngettext_lazy("%(count)d medicine", "%(count)d medicines", "count"),
            ),
            intro="cases/lists/medications/_intro.html",
            body="cases/lists/medications/_body.html",
        ),
        ItemList(
            key="questions",
            limit="questions",
            item="question",
            model=Question,
            on_opinion=True,
            add_form=list_forms.QuestionAddForm,
            edit_form=list_forms.QuestionEditForm,
            label_field="text",
            words=Words(
                title=gettext_lazy("Questions for the doctor"),
                crumb=gettext_lazy("Questions for the doctor"),
                list_name=gettext_lazy("your questions"),
                empty=gettext_lazy(
                    "No questions yet. Add your own, or start with the suggestions below."
                ),
                add_heading=gettext_lazy("Add your own question"),
                add_button=gettext_lazy("Add question"),
                counted=ngettext_lazy("%(count)d question", "%(count)d questions", "count"),
            ),
            intro="cases/lists/questions/_intro.html",
            body="cases/lists/questions/_body.html",
            below="cases/lists/questions/_suggestions.html",
            decorate=_suggest_questions,
        ),
    ]
}


def heading(spec: ItemList, count: int) -> Text:
    """A counted list with items says how many ("3 medicines"); else its own heading."""
    if spec.words.counted and count:
        return spec.words.counted % {"count": count}
    return spec.words.heading
