"""The opinions side by side: what is compared, how differences show, and its cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cases.comparison import build_comparison, with_results
from cases.models import Opinion, Result


def compare_url(case) -> str:
    return reverse("opinion_compare", kwargs={"case_id": case.pk})


@pytest.fixture
def maria(case):
    case.diagnosed_by_name = "Dr. Okafor"
    case.treatment_kind = "surgery"
    case.treatment_description = "Immediate surgery"
    case.treatment_urgency = "immediate"
    case.save()
    return case


def give_result(opinion: Opinion, result: str, **fields) -> Opinion:
    opinion.result = result
    opinion.outcome_on = dt.date(2026, 1, 20)
    for name, value in fields.items():
        setattr(opinion, name, value)
    opinion.save()
    return opinion


def add_opinions(case, count: int) -> None:
    for number in range(3, 3 + count):
        give_result(
            Opinion.objects.create(case=case, number=number),
            Result.DISAGREEMENT,
            outcome_diagnosis=f"Diagnosis {number}",
            outcome_treatment=f"Treatment {number}",
        )


@pytest.mark.django_db
class TestBuildComparison:
    def test_the_original_comes_first_then_each_opinion_with_a_result(self, maria):
        give_result(maria.current_opinion(), Result.ADJUSTMENT)
        Opinion.objects.create(case=maria, number=3)  # no result yet: not a column
        comparison = build_comparison(maria, with_results(maria))
        assert [c.heading for c in comparison.columns] == ["Original opinion", "Second opinion"]
        assert comparison.row("treatment").cells[0].text == "Immediate surgery"

    def test_a_different_treatment_differs_and_the_same_words_do_not(self, maria):
        give_result(
            maria.current_opinion(),
            Result.DISAGREEMENT,
            outcome_diagnosis="early-stage  breast cancer.",
            outcome_treatment="Lumpectomy followed by radiation",
            outcome_urgency="immediate",
        )
        comparison = build_comparison(maria, with_results(maria))
        assert comparison.row("treatment").differs
        assert comparison.row("treatment").cells[1].differs
        assert not comparison.row("diagnosis").differs
        assert not comparison.row("urgency").differs

    def test_the_specialists_verdict_wins_over_wording(self, maria):
        give_result(
            maria.current_opinion(),
            Result.CONFIRMATION,
            outcome_diagnosis="Stage 1 ductal carcinoma",
            outcome_treatment="Surgery, as planned",
        )
        comparison = build_comparison(maria, with_results(maria))
        assert not comparison.row("diagnosis").differs
        assert not comparison.row("treatment").differs

    def test_nothing_is_marked_where_either_side_is_blank(self, maria):
        maria.treatment_urgency = ""
        maria.save()
        give_result(maria.current_opinion(), Result.DISAGREEMENT, outcome_urgency="weeks")
        comparison = build_comparison(maria, with_results(maria))
        assert not comparison.row("urgency").differs
        assert not comparison.row("diagnosis").differs  # the specialist left it empty

    def test_cards_hold_the_same_cells_one_provider_at_a_time(self, maria):
        give_result(maria.current_opinion(), Result.ADJUSTMENT, outcome_treatment="Lumpectomy")
        cards = build_comparison(maria, with_results(maria)).cards()
        assert [card.column.heading for card in cards] == ["Original opinion", "Second opinion"]
        treatment = {row.key: cell for row, cell in cards[1].items}["treatment"]
        assert treatment.text == "Lumpectomy"
        assert treatment.differs


@pytest.mark.django_db
class TestCompareView:
    def test_viewer_sees_the_table_with_differences_marked_in_words(self, viewer_client, maria):
        give_result(
            maria.current_opinion(),
            Result.ADJUSTMENT,
            outcome_treatment="Lumpectomy followed by radiation",
            outcome_cost="1250.00",
        )
        response = viewer_client.get(compare_url(maria))
        assert response.status_code == 200
        content = response.content.decode()
        assert '<caption id="compare-caption">The opinions side by side</caption>' in content
        assert '<th scope="col">Second opinion' in content
        assert '<th scope="row">Recommended treatment <strong class="tag tag--differs">Differs' in (
            content
        )
        assert "Differs from the original" in content
        assert "$1,250.00" in content
        assert "Decide what to do next" not in content  # a viewer cannot decide

    def test_editor_is_offered_the_decision(self, caregiver_client, maria):
        opinion = give_result(maria.current_opinion(), Result.ADJUSTMENT)
        content = caregiver_client.get(compare_url(maria)).content.decode()
        assert reverse("opinion_decide", args=[maria.pk, opinion.pk]) in content

    def test_with_no_results_there_is_nothing_to_compare(self, owner_client, maria):
        content = owner_client.get(compare_url(maria)).content.decode()
        assert "There is nothing to compare yet" in content
        assert "<table" not in content

    def test_query_count_is_the_same_for_two_and_five_opinions(
        self, owner_client, maria, django_assert_num_queries
    ):
        give_result(maria.current_opinion(), Result.DISAGREEMENT)
        add_opinions(maria, 1)
        # Session, user, membership with its case, and the opinions: four, however many.
        with django_assert_num_queries(4):
            response = owner_client.get(compare_url(maria))
        assert response.content.decode().count('scope="col"') == 4
        add_opinions_from = maria.opinions.count() + 2
        for number in range(add_opinions_from, add_opinions_from + 3):
            give_result(Opinion.objects.create(case=maria, number=number), Result.CONFIRMATION)
        with django_assert_num_queries(4):
            response = owner_client.get(compare_url(maria))
        assert response.content.decode().count('scope="col"') == 7
