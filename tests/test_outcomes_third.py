"""Seeking another opinion: what carries over to it and what starts afresh."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Decision, InsuranceCall, Medication, Opinion, Question, Result
from cases.models.items import RecordStatus
from cases.models.opinion import Stage
from cases.services.opinions import SEND_AGAIN_NOTE, start_next_opinion


@pytest.fixture
def second(case) -> Opinion:
    """A second opinion well under way: insurance checked, records sent, seen, disagreed."""
    opinion = case.current_opinion()
    opinion.key_question = "Is surgery needed now?"
    opinion.coverage = "covered"
    opinion.referral_status = "approved"
    opinion.referral_reference = "REF-1"
    opinion.in_network = "yes"
    opinion.specialist_name = "Dr. Chen"
    opinion.appointment_at = timezone.now()
    opinion.result = Result.DISAGREEMENT
    opinion.decision = Decision.THIRD
    opinion.save()
    records = list(opinion.records.all())
    records[0].status = RecordStatus.SENT
    records[0].received_on = dt.date(2026, 1, 5)
    records[0].sent_on = dt.date(2026, 1, 6)
    records[0].notes = "Slides from pathology"
    records[1].status = RecordStatus.RECEIVED
    records[1].received_on = dt.date(2026, 1, 7)
    records[2].status = RecordStatus.REQUESTED
    records[2].requested_on = dt.date(2026, 1, 2)
    for r in records[:3]:
        r.save()
    Question.objects.create(opinion=opinion, text="Do you agree?", answer="No", position=1)
    Question.objects.create(opinion=opinion, text="What else?", answer="Trial", position=0)
    InsuranceCall.objects.create(opinion=opinion, called_on=dt.date(2026, 1, 1))
    opinion.actions.create(description="Tell Dr. Okafor")
    Medication.objects.create(case=case, name="Tamoxifen")
    return opinion


@pytest.mark.django_db
class TestStartNextOpinion:
    def test_it_becomes_the_current_opinion_and_starts_seeking(self, case, second):
        third = start_next_opinion(second)
        assert (third.number, third.ordinal) == (3, "Third")
        assert case.current_opinion() == third
        assert third.stage == Stage.SEEKING
        assert third.key_question == "Is surgery needed now?"

    def test_steps_two_to_four_start_empty(self, second):
        third = start_next_opinion(second)
        for name in [
            "coverage",
            "referral_status",
            "referral_reference",
            "in_network",
            "specialist_name",
            "result",
            "decision",
        ]:
            assert getattr(third, name) == "", name
        assert third.appointment_at is None
        assert not third.calls.exists()
        assert not third.actions.exists()

    def test_records_in_hand_stay_received_and_must_be_sent_again(self, second):
        third = start_next_opinion(second)
        old = list(second.records.all())
        new = list(third.records.all())
        assert [r.name for r in new] == [r.name for r in old]
        sent, received, requested, needed = new[0], new[1], new[2], new[3]
        assert (sent.status, sent.received_on, sent.sent_on) == (
            RecordStatus.RECEIVED,
            dt.date(2026, 1, 5),
            None,
        )
        assert sent.notes == f"Slides from pathology\n{SEND_AGAIN_NOTE}"
        assert (received.status, received.notes) == (RecordStatus.RECEIVED, SEND_AGAIN_NOTE)
        assert (requested.status, requested.requested_on, requested.notes) == (
            RecordStatus.REQUESTED,
            dt.date(2026, 1, 2),
            "",
        )
        assert needed.status == RecordStatus.NEEDED
        # The second opinion's own checklist is untouched.
        assert old[0].status == RecordStatus.SENT

    def test_questions_are_copied_in_order_without_answers(self, second):
        third = start_next_opinion(second)
        assert [(q.text, q.answer) for q in third.questions.all()] == [
            ("What else?", ""),
            ("Do you agree?", ""),
        ]
        assert [q.answer for q in second.questions.all()] == ["Trial", "No"]

    def test_medications_stay_with_the_case(self, case, second):
        start_next_opinion(second)
        assert list(case.medications.values_list("name", flat=True)) == ["Tamoxifen"]

    def test_calling_it_twice_starts_one_opinion(self, case, second):
        first = start_next_opinion(second)
        again = start_next_opinion(second)
        assert first == again
        assert case.opinions.count() == 2
        assert first.records.count() == second.records.count()


@pytest.mark.django_db
def test_the_case_page_follows_the_third_opinion(owner_client, case, second):
    start_next_opinion(second)
    page = owner_client.get(case.get_absolute_url()).content.decode()
    assert "Third opinion" in page
    assert "Seeking an opinion" in page
    assert "Insurance and referral: not started" in page
    assert "2 received, to send again to the new specialist" in page
    assert "Second opinion: Disagreement" in page
