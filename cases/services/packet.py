"""Everything the "bring to your appointment" packet shows, gathered in a fixed few queries.

The packet is read by a specialist who has never seen the case, and printed by people
who may not notice a gap until they are in the waiting room: so every section says
what is missing rather than staying blank, and the data is gathered here once for both
the HTML preview and the PDF.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from cases import display
from cases.models import Case, Medication, Membership, Opinion, Question, RecordItem, Role
from cases.models.items import RecordFormat, RecordStatus
from cases.services.lists import SUGGESTED_QUESTIONS
from cases.text import Text

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Paper = Literal["a4", "letter"]
PAPER_SIZES: dict[str, Text] = {"a4": "A4", "letter": pgettext_lazy("paper size", "US Letter")}

# Regions where US Letter is the usual paper (the Americas that follow US practice, and
# the Philippines); everywhere else uses A4.
LETTER_REGIONS = frozenset({"US", "CA", "MX", "PH", "PR", "CL", "CO", "VE", "GT", "SV", "CR"})

# How the owner is related to the patient, read from "Who is this case for?".
OWNER_ROLE_FOR_RELATIONSHIP = {
    "spouse": gettext_lazy("%(name)s, the patient's spouse or partner"),
    "parent": gettext_lazy("%(name)s, the patient's son or daughter"),  # "my parent"
    "child": gettext_lazy("%(name)s, the patient's parent"),  # "my child"
}


_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*$")


def paper_for(requested: str | None, accept_language: str) -> Paper:
    """The paper the person picked, else the usual paper where their browser says they are."""
    if requested in PAPER_SIZES:
        return requested  # type: ignore[return-value]
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _sep, params = part.strip().partition(";")
        if not _LANGUAGE_TAG.match(tag):
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        weighted.append((-quality, position, tag))
    for _quality, _position, tag in sorted(weighted):
        subtags = tag.split("-")[1:]
        region = next((s for s in subtags if len(s) == 2 and s.isalpha()), None)
        if region:
            return "letter" if region.upper() in LETTER_REGIONS else "a4"
    return "a4"


@dataclass
class TimelineEntry:
    date: dt.date
    text: str


@dataclass
class Authority:
    name: str
    kind: str
    expires: dt.date | None
    expired: bool


@dataclass
class Packet:
    case: Case
    opinion: Opinion
    medications: list[Medication]
    records: list[RecordItem]
    questions: list[Question]
    authorities: list[Authority]
    brought_by: str
    printed_on: dt.date
    paper: Paper = "a4"
    timeline: list[TimelineEntry] = field(default_factory=list)

    suggested_questions = SUGGESTED_QUESTIONS

    @property
    def title(self) -> str:
        """The PDF's title: the patient's name and nothing about their health."""
        return _("Appointment packet – %(name)s") % {"name": self.case.patient_name}

    @property
    def file_name(self) -> str:
        """No names and no health details: the file may sit in a shared Downloads folder."""
        return f"second-opinion-packet-{self.printed_on:%Y-%m-%d}.pdf"

    @property
    def bundle_file_name(self) -> str:
        return f"second-opinion-packet-with-records-{self.printed_on:%Y-%m-%d}.pdf"

    @property
    def attached_pages(self) -> int:
        return sum(getattr(r, "attached_pages", 0) for r in self.records)

    @property
    def paper_label(self) -> str:
        return str(PAPER_SIZES[self.paper])

    @property
    def one_line(self) -> str:
        case = self.case
        words = {
            "ordinal": self.opinion.ordinal if self.opinion else pgettext("opinion", "Second"),
            "condition": case.condition,
        }
        if case.treatment_kind:
            words["treatment"] = case.get_treatment_kind_display().lower()
            return _("%(ordinal)s opinion on %(condition)s: %(treatment)s was proposed") % words
        return _("%(ordinal)s opinion on %(condition)s") % words

    @property
    def missing_records(self) -> list[RecordItem]:
        return [r for r in self.records if not r.is_ready]

    @property
    def records_to_carry(self) -> list[RecordItem]:
        """Disc or USB items in hand (not sent ahead): they must go in the bag."""
        return [
            r
            for r in self.records
            if r.format in (RecordFormat.DISC, RecordFormat.USB)
            and r.status == RecordStatus.RECEIVED
        ]

    @property
    def has_appointment(self) -> bool:
        o = self.opinion
        return bool(o and (o.specialist_name or o.specialist_institution or o.appointment_at))

    @property
    def shows_member_id(self) -> bool:
        """The member ID in full only for owners and editors, who deal with the insurer;
        a viewer's packet shows its last 4 characters, like every screen."""
        membership: Membership | None = getattr(self.case, "membership", None)
        return membership is not None and membership.role in (Role.OWNER, Role.EDITOR)

    @property
    def has_insurance(self) -> bool:
        c, o = self.case, self.opinion
        return bool(
            c.insurer
            or c.insurance_plan
            or c.member_id
            or (o and (o.referral_status or o.prior_auth_status or o.referral_reference))
        )


_person_name = display.person_name


def _brought_by(case: Case, user: User) -> str:
    membership: Membership | None = getattr(case, "membership", None)
    if membership is not None and membership.is_owner:
        if case.relationship == "self":
            return _("The patient, %(name)s") % {"name": case.patient_name}
        role = OWNER_ROLE_FOR_RELATIONSHIP.get(
            case.relationship, gettext_lazy("%(name)s, the patient's caregiver")
        )
        return role % {"name": _person_name(user)}
    return _("%(name)s, caregiver") % {"name": _person_name(user)}


# A record's row names this many attached documents at most, then "and N more".
FILES_NAMED = 2

# A timeline line names this many records at most; the records table lists them all.
TIMELINE_NAMES = 5


def _some(names: list[str]) -> str:
    """ "A, B, C" or, past TIMELINE_NAMES, "A, B, C, D, E and 7 more"."""
    if len(names) <= TIMELINE_NAMES:
        return ", ".join(names)
    return _("%(names)s and %(count)s more") % {
        "names": ", ".join(names[:TIMELINE_NAMES]),
        "count": len(names) - TIMELINE_NAMES,
    }


def _timeline(case: Case, opinion: Opinion, records: list[RecordItem]) -> list[TimelineEntry]:
    """A short dated history: records on the same day and step share one line."""
    entries: list[TimelineEntry] = []
    if case.diagnosed_on:
        if case.diagnosed_by_name:
            text = _("Diagnosed with %(condition)s by %(clinician)s") % {
                "condition": case.condition,
                "clinician": case.diagnosed_by_name,
            }
        else:
            text = _("Diagnosed with %(condition)s") % {"condition": case.condition}
        entries.append(TimelineEntry(case.diagnosed_on, text))
        if case.treatment_kind:
            entries.append(
                TimelineEntry(
                    case.diagnosed_on,
                    _("First opinion: %(treatment)s proposed")
                    % {"treatment": case.get_treatment_kind_display().lower()},
                )
            )
    if case.informed_on:
        entries.append(TimelineEntry(case.informed_on, _("Primary provider told of this opinion")))
    grouped: dict[tuple[dt.date, str], list[str]] = {}
    for record in records:
        for when, verb in (
            (record.requested_on, "requested"),
            (record.received_on, "received"),
            (record.sent_on, "sent"),
        ):
            if when:
                grouped.setdefault((when, verb), []).append(record.name)
    records_words = {
        "requested": gettext_lazy("Records requested: %(names)s"),
        "received": gettext_lazy("Records received: %(names)s"),
        "sent": gettext_lazy("Records sent to the specialist: %(names)s"),
    }
    for (when, verb), names in grouped.items():
        entries.append(TimelineEntry(when, records_words[verb] % {"names": _some(names)}))
    if opinion.referral_requested_on:
        entries.append(TimelineEntry(opinion.referral_requested_on, _("Referral requested")))
    if opinion.referral_decided_on and opinion.referral_status:
        entries.append(
            TimelineEntry(
                opinion.referral_decided_on,
                _("Referral %(status)s")
                % {"status": opinion.get_referral_status_display().lower()},
            )
        )
    for call in opinion.calls.all():
        entries.append(TimelineEntry(call.called_on, _("Called the insurer")))
    if opinion.appointment_at:
        entries.append(
            TimelineEntry(timezone.localdate(opinion.appointment_at), _("This appointment"))
        )
    if case.treatment_start_by:
        entries.append(
            TimelineEntry(case.treatment_start_by, _("Proposed treatment would start by"))
        )
    return sorted(entries, key=lambda e: e.date)


def build_packet(
    case: Case, user: User, *, paper: Paper = "a4", today: dt.date | None = None
) -> Packet:
    """Gather the packet for ``case`` as ``user`` downloads it; four queries whatever the size.

    ``case`` comes from ``get_case`` with ``case.membership`` set for ``user``.
    """
    opinion = (
        Opinion.objects.filter(case=case)
        .prefetch_related(
            # Each record's attached documents: its row lists them with their pages.
            Prefetch(
                "records",
                queryset=RecordItem.objects.order_by("position", "id").prefetch_related("files"),
            )
        )
        # A second call: mypy cannot join the two Prefetch types of one call.
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("position", "id")),
            "calls",
        )
        .latest("number")
    )
    records = list(opinion.records.all())
    for record in records:
        files = list(record.files.all())
        record.attached_pages = sum(f.printable_pages for f in files)
        # A few names per record; the bundle bookmarks every document by name.
        record.shown_files = files[:FILES_NAMED]
        record.more_files = len(files) - len(record.shown_files)
    questions = list(opinion.questions.all())
    medications = list(case.medications.order_by("position", "id"))
    memberships = (
        Membership.objects.filter(case=case)
        .exclude(authority_kind="")
        .select_related("user")
        .order_by("created_at")
    )
    today = today or timezone.localdate()
    authorities = [
        Authority(
            name=_person_name(m.user),
            kind=m.get_authority_kind_display(),
            expires=m.authority_expires,
            expired=bool(m.authority_expires and m.authority_expires < today),
        )
        for m in memberships
    ]
    return Packet(
        case=case,
        opinion=opinion,
        medications=medications,
        records=records,
        questions=questions,
        authorities=authorities,
        brought_by=_brought_by(case, user),
        printed_on=today,
        paper=paper,
        timeline=_timeline(case, opinion, records),
    )
