"""Forms for after the appointment: what the specialist said, what to do next, the decision."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import revisions
from cases.concurrency import GuardedModelForm
from cases.forms.fields import (
    DATE_ERRORS,
    DateInput,
    LimitedCharFormField,
    MoneyField,
    choice_field,
    not_in_future,
)
from cases.models import Decision, FollowUpAction, Opinion, Question, Result
from cases.models.case import Urgency


def answers_fingerprint(questions: Iterable[Question]) -> str:
    """Which questions there are and their answers, so a stale answers form is noticed."""
    values = sorted((q.pk, q.answer) for q in questions)
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()[:32]


class OutcomeForm(GuardedModelForm):
    """What the specialist said, with the answers to the packet's questions saved alongside."""

    answers_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    outcome_cost = MoneyField(
        label=Opinion._meta.get_field("outcome_cost").verbose_name,
        max_digits=10,
        help_text=gettext_lazy(
            "In dollars, for example 1250 or 1,250.50. Leave it empty if nobody said."
        ),
        widget=forms.TextInput(attrs={"class": "input--short"}),
    )

    class Meta:
        model = Opinion
        fields = [
            "result",
            "outcome_on",
            "outcome_diagnosis",
            "outcome_treatment",
            "outcome_urgency",
            "outcome_rationale",
            "other_options",
            "outcome_cost",
            "outcome_notes",
        ]
        widgets = {
            "result": forms.RadioSelect,
            "outcome_urgency": forms.RadioSelect,
            "outcome_on": DateInput,
            "outcome_diagnosis": forms.Textarea(attrs={"rows": 3}),
            "outcome_treatment": forms.Textarea(attrs={"rows": 3}),
            "outcome_rationale": forms.Textarea(attrs={"rows": 3}),
            "other_options": forms.Textarea(attrs={"rows": 3}),
            "outcome_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "outcome_on": gettext_lazy(
                "The day of the appointment, or the day their written report came."
            ),
            "outcome_diagnosis": gettext_lazy(
                "In their words, even if it is the same as the first diagnosis."
            ),
            "outcome_treatment": gettext_lazy(
                "In their words, for example “lumpectomy followed by radiation”."
            ),
            "outcome_rationale": gettext_lazy(
                "The reasons they gave, and anything about risks or recovery."
            ),
            "other_options": gettext_lazy(
                "Less invasive options, waiting, or clinical trials they mentioned."
            ),
        }
        error_messages = {
            "outcome_on": DATE_ERRORS,
        }

    def __init__(self, *args: Any, questions: Iterable[Question] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the three results, no empty radio; the field itself is optional on the model
        # because an opinion starts without an outcome.
        choice_field(self, "result").choices = Result.choices
        self.fields["result"].required = True
        self.fields["result"].error_messages["required"] = _("Select what the specialist concluded")
        choice_field(self, "outcome_urgency").choices = Urgency.choices
        self.questions = list(questions)
        for question in self.questions:
            name = self.answer_name(question)
            self.fields[name] = LimitedCharFormField(
                label=question.text,
                required=False,
                max_length=Question._meta.get_field("answer").max_length,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.initial.setdefault(name, question.answer)
        self.initial["answers_version"] = answers_fingerprint(self.questions)
        if not self.initial.get("outcome_on") and self.instance.appointment_at:
            appointment_day = timezone.localtime(self.instance.appointment_at).date()
            # Never offer a date the form would then refuse (an appointment still ahead).
            if appointment_day <= timezone.localdate():
                self.initial["outcome_on"] = appointment_day

    @staticmethod
    def answer_name(question: Question) -> str:
        return f"answer_{question.pk}"

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[self.answer_name(q)] for q in self.questions]

    def outcome_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.guarded_fields]

    def clean_outcome_on(self) -> dt.date | None:
        return not_in_future(
            self.cleaned_data.get("outcome_on"),
            _("The date of the opinion must be today or in the past"),
        )

    def save_guarded(self) -> Opinion | None:
        """Save the outcome and the answers together, or neither after a conflict."""
        with transaction.atomic():
            current = list(
                Question.objects.select_for_update().filter(pk__in=[q.pk for q in self.questions])
            )
            now = answers_fingerprint(current)
            if self.cleaned_data.get("answers_version") != now or len(current) != len(
                self.questions
            ):
                self.conflict = {
                    _("Answer to “%(question)s”") % {"question": q.text}: q.answer or _("(empty)")
                    for q in current
                }
                data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict
                data[self.add_prefix("answers_version")] = now
                self.data = data
                self.add_error(None, self.conflict_message)
                return None
            opinion = super().save_guarded()
            if opinion is None:
                return None
            assert isinstance(opinion, Opinion)
            for question in current:
                question.answer = self.cleaned_data.get(self.answer_name(question), "")
            Question.objects.bulk_update(current, ["answer"])
            revisions.changed(opinion)  # bulk_update sends no signal
            return opinion


class FollowUpActionForm(forms.ModelForm):
    prefix = "action"

    class Meta:
        model = FollowUpAction
        fields = ["description", "due_on"]
        widgets = {"due_on": DateInput}
        help_texts = {
            "description": gettext_lazy("For example “Book the radiation oncology consultation”."),
            "due_on": "Optional.",
        }
        error_messages = {
            "description": {
                "required": gettext_lazy("Enter what needs to be done"),
            },
            "due_on": DATE_ERRORS,
        }


class DecisionForm(GuardedModelForm):
    class Meta:
        model = Opinion
        fields = ["decision", "decision_reason", "decided_on"]
        widgets = {
            "decision": forms.RadioSelect,
            "decision_reason": forms.Textarea(attrs={"rows": 4}),
            "decided_on": DateInput,
        }
        help_texts = {
            "decision_reason": gettext_lazy(
                "In your own words. It will be on the summary you can share."
            ),
        }
        error_messages = {
            "decided_on": DATE_ERRORS,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "decision").choices = Decision.choices
        self.fields["decision"].required = True
        self.fields["decision"].error_messages["required"] = _("Select what you will do next")
        self.fields["decided_on"].required = True
        self.fields["decided_on"].error_messages["required"] = _("Enter the date you decided")
        reason = self.fields["decision_reason"]
        assert isinstance(reason, LimitedCharFormField)
        reason.too_long_name = _("Your reason")
        if not self.initial.get("decided_on"):
            self.initial["decided_on"] = timezone.localdate()

    def clean_decided_on(self) -> dt.date | None:
        return not_in_future(
            self.cleaned_data.get("decided_on"),
            _("The date you decided must be today or in the past"),
        )
