"""Rosa Alvarez's case, Maria's mother: the second opinion disagreed, and she decided."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from cases.demo.builders import add_questions, at
from cases.models import (
    AuthorityKind,
    Case,
    Decision,
    FollowUpAction,
    InformChoice,
    Medication,
    Membership,
    Reason,
    Relationship,
    Result,
    TreatmentKind,
    Urgency,
)
from cases.models.items import RecordStatus
from cases.models.opinion import AppointmentMode, ApprovalStatus, Coverage, YesNo
from cases.services.cases import create_case

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def rosas_case(maria: User, emma: User, today: dt.date) -> Case:
    """Maria's mother: a knee replacement proposed; the second opinion disagreed; decided."""
    seen_on = today - dt.timedelta(days=20)
    case = create_case(
        owner=maria,
        patient_name="Rosa Alvarez",
        patient_dob=dt.date(today.year - 79, 9, 2),
        relationship=Relationship.PARENT,
        condition="Severe osteoarthritis of the right knee",
        prognosis="Told it would keep getting worse without surgery.",
        diagnosed_by_name="Dr. Mark Feldman",
        diagnosed_by_specialty="Orthopaedic surgery",
        diagnosed_by_facility="Riverside Community Hospital",
        diagnosed_by_contact="(555) 013-2290",
        diagnosed_on=today - dt.timedelta(days=75),
        treatment_kind=TreatmentKind.SURGERY,
        treatment_description="Total knee replacement of the right knee.",
        treatment_urgency=Urgency.MONTHS,
        treatment_start_by=today + dt.timedelta(days=40),
        reasons=[Reason.MAJOR_TREATMENT, Reason.LESS_INVASIVE],
        primary_provider_name="Dr. Priya Shah, family doctor",
        primary_provider_contact="(555) 013-4410",
        inform_choice=InformChoice.TOLD,
        informed_on=today - dt.timedelta(days=60),
        provider_response="Agreed it was worth asking a sports medicine specialist first.",
        provider_offered_records=True,
        insurer="Medicare Part B with a Medigap plan G",
        member_id="1EG4-TE5-MK72",
        insurer_phone="1-800-633-4227",
    )
    Membership.objects.filter(case=case, user=maria).update(
        authority_kind=AuthorityKind.POA, authority_expires=None
    )
    opinion = case.current_opinion()
    opinion.key_question = "Does my mother need a knee replacement now, or is there another way?"
    opinion.coverage = Coverage.COVERED
    opinion.referral_status = ApprovalStatus.NOT_NEEDED
    opinion.prior_auth_status = ApprovalStatus.NOT_NEEDED
    opinion.in_network = YesNo.YES
    opinion.estimated_cost = Decimal("48.00")
    opinion.specialist_name = "Dr. Aisha Okafor"
    opinion.specialist_specialty = "Sports medicine and orthopaedics"
    opinion.specialist_institution = "Lakeside University Medical Center, Joint Clinic"
    opinion.specialist_address = "1200 University Avenue, 1st floor\nLakeside, CA 94010"
    opinion.specialist_phone = "(555) 014-7300"
    opinion.appointment_at = at(seen_on, 14, 0)
    opinion.appointment_mode = AppointmentMode.IN_PERSON
    opinion.records_arrived = YesNo.YES
    # What the specialist said
    opinion.result = Result.DISAGREEMENT
    opinion.outcome_on = seen_on
    opinion.outcome_diagnosis = (
        "Moderate osteoarthritis with a degenerative tear of the medial meniscus; most of "
        "the pain comes from the tear, not from worn-out cartilage."
    )
    opinion.outcome_treatment = (
        "Twelve weeks of physiotherapy with a steroid injection into the knee, then a review. "
        "A knee replacement is not needed now."
    )
    opinion.outcome_urgency = Urgency.NOT_URGENT
    opinion.outcome_rationale = (
        "The new MRI shows the joint space is better preserved than the X-rays suggested."
    )
    opinion.other_options = "A partial knee replacement later if physiotherapy does not help."
    opinion.outcome_cost = Decimal("600.00")
    opinion.decision = Decision.SWITCH
    opinion.decision_reason = (
        "Mum would rather try physiotherapy first, and Dr. Okafor will follow her up."
    )
    opinion.decided_on = seen_on + dt.timedelta(days=3)
    opinion.save()
    for record in opinion.records.all():
        record.status = RecordStatus.SENT
        record.requested_on = today - dt.timedelta(days=50)
        record.received_on = today - dt.timedelta(days=40)
        record.sent_on = today - dt.timedelta(days=35)
        record.save()
    add_questions(
        opinion,
        [
            "Do you agree that she needs a knee replacement?",
            "What are the options, including less invasive ones?",
            "What if we wait?",
        ],
    )
    answers = [
        "No, not now: the pain is mostly from a meniscus tear.",
        "Physiotherapy and an injection first; a partial replacement later if needed.",
        "Waiting is safe; the knee will be reviewed in three months.",
    ]
    for question, answer in zip(opinion.questions.all(), answers, strict=True):
        question.answer = answer
        question.save()
    Medication.objects.bulk_create(
        [
            Medication(
                case=case,
                name="Paracetamol",
                dose="1 g",
                frequency="Up to three times a day",
                prescriber="Bought over the counter",
                position=0,
            ),
            Medication(
                case=case,
                name="Amlodipine",
                dose="5 mg",
                frequency="Once a day",
                prescriber="Dr. Priya Shah",
                notes="Blood pressure",
                position=1,
            ),
        ]
    )
    FollowUpAction.objects.bulk_create(
        [
            FollowUpAction(
                opinion=opinion,
                description="First physiotherapy session",
                due_on=today - dt.timedelta(days=5),
                done=True,
            ),
            FollowUpAction(
                opinion=opinion,
                description="Review appointment with Dr. Okafor",
                due_on=today + dt.timedelta(days=70),
            ),
        ]
    )
    return case
