"""The case and everything hung on it, split by concern.

- case: the person, the first diagnosis and proposed treatment, step 1 and the insurance policy
- opinion: each further opinion sought, with its steps 2 to 4, outcome and decision
- items: records checklist, medications, questions, insurance calls, follow-up actions
- files: documents attached to records
- sharing: memberships (roles, authority on file, reminder choice) and invitations
- reminders: the reminders sent, so the daily job sends each once
- background: the outbox of emails for the worker, and scheduled runs
- letters: records-request letters and their 30-day clock
- preferences: the language a person chose
"""

from .background import OutgoingEmail, ScheduledRun
from .case import Case, CaseQuerySet, InformChoice, Reason, Relationship, TreatmentKind, Urgency
from .files import Attachment, FileKind
from .items import FollowUpAction, InsuranceCall, Medication, Question, RecordItem
from .letters import RecordRequest, SentHow
from .opinion import Decision, Opinion, Result
from .preferences import AccountLanguage, Language
from .reminders import ReminderKind, SentReminder
from .sharing import AuthorityKind, Invitation, Membership, Need, Role

__all__ = [
    "AccountLanguage",
    "Language",
    "Attachment",
    "FileKind",
    "AuthorityKind",
    "Case",
    "CaseQuerySet",
    "Decision",
    "FollowUpAction",
    "InformChoice",
    "InsuranceCall",
    "Invitation",
    "Medication",
    "Membership",
    "Need",
    "Opinion",
    "OutgoingEmail",
    "Question",
    "Reason",
    "RecordItem",
    "RecordRequest",
    "Relationship",
    "ReminderKind",
    "Result",
    "Role",
    "ScheduledRun",
    "SentReminder",
    "SentHow",
    "TreatmentKind",
    "Urgency",
]
