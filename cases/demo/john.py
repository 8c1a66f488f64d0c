"""John Lopez's case: suspected MS; Maria acts for him with a proxy, their daughter views."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from cases.demo.builders import add_questions, at, update_records
from cases.models import (
    AuthorityKind,
    Case,
    InformChoice,
    InsuranceCall,
    Medication,
    Membership,
    Reason,
    Relationship,
    Role,
    TreatmentKind,
    Urgency,
)
from cases.models.items import RecordFormat, RecordKind, RecordStatus
from cases.models.opinion import AppointmentMode, ApprovalStatus, Coverage, YesNo
from cases.services.cases import create_case

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def johns_case(maria: User, emma: User, today: dt.date) -> Case:
    """Suspected MS; lifelong medication proposed; Maria acts for John with a proxy."""
    case = create_case(
        owner=maria,
        patient_name="John Lopez",
        patient_dob=dt.date(today.year - 61, 9, 3),
        relationship=Relationship.SPOUSE,
        condition="Suspected relapsing-remitting multiple sclerosis",
        prognosis=(
            "Uncertain. The neurologist said many people with MS live full lives, but "
            "early treatment lowers the chance of new attacks."
        ),
        diagnosed_by_name="Dr. Samuel Ortiz",
        diagnosed_by_specialty="Neurology",
        diagnosed_by_facility="Riverside Neurology Associates",
        diagnosed_by_contact="(555) 013-5120",
        diagnosed_on=today - dt.timedelta(days=32),
        treatment_kind=TreatmentKind.LIFELONG_MEDICATION,
        treatment_description=(
            "Start a disease-modifying therapy (an infusion every six months) after one "
            "episode of numbness and blurred vision, and an MRI showing several lesions."
        ),
        treatment_urgency=Urgency.MONTHS,
        treatment_start_by=today + dt.timedelta(days=60),
        reasons=[Reason.UNCERTAIN_DIAGNOSIS, Reason.MAJOR_TREATMENT],
        notes="John had one episode only. We want to be sure it is MS before lifelong treatment.",
        primary_provider_name="Dr. Priya Shah, family doctor",
        primary_provider_contact="(555) 013-4410",
        inform_choice=InformChoice.TOLD,
        informed_on=today - dt.timedelta(days=25),
        provider_response=(
            "She agreed a specialist MS center should look at the MRI and wrote the "
            "referral letter."
        ),
        provider_offered_records=True,
        provider_suggested_specialist=True,
        insurer="Blue Harbor Health",
        insurance_plan="PPO Gold 1500",
        member_id="BHH-48210938",
        insurer_phone="1-800-555-0142",
    )
    Membership.objects.filter(case=case, user=maria).update(
        authority_kind=AuthorityKind.PROXY,
        authority_expires=today + dt.timedelta(days=20),
    )
    Membership.objects.create(case=case, user=emma, role=Role.VIEWER, invited_by=maria)

    opinion = case.current_opinion()
    opinion.key_question = "Is it really MS, and does John need lifelong medication now?"
    opinion.coverage = Coverage.COVERED
    opinion.referral_status = ApprovalStatus.APPROVED
    opinion.referral_requested_on = today - dt.timedelta(days=22)
    opinion.referral_decided_on = today - dt.timedelta(days=17)
    opinion.referral_reference = "REF-2291-8120"
    opinion.prior_auth_status = ApprovalStatus.NOT_NEEDED
    opinion.in_network = YesNo.YES
    opinion.estimated_cost = Decimal("60.00")
    opinion.specialist_name = "Dr. Ana Whitfield"
    opinion.specialist_specialty = "Neurology, multiple sclerosis specialist"
    opinion.specialist_institution = "Lakeside University Medical Center, MS Center"
    opinion.specialist_address = "1200 University Avenue, 5th floor\nLakeside, CA 94010"
    opinion.specialist_phone = "(555) 014-7950"
    opinion.appointment_at = at(today + dt.timedelta(days=24), 14, 0)
    opinion.appointment_mode = AppointmentMode.IN_PERSON
    opinion.records_arrived = YesNo.YES
    opinion.will_ask_to_record = True
    opinion.save()

    InsuranceCall.objects.bulk_create(
        [
            InsuranceCall(
                opinion=opinion,
                called_on=today - dt.timedelta(days=22),
                spoke_with="Priya, member services",
                reference="CALL-54077",
                notes=(
                    "A referral is needed for a second neurologist; Dr. Shah's office must "
                    "send it with Dr. Ortiz's notes. Covered at the specialist copay ($60)."
                ),
            ),
            InsuranceCall(
                opinion=opinion,
                called_on=today - dt.timedelta(days=17),
                spoke_with="Tom, referrals team",
                reference="CALL-54630",
                notes="Referral approved (REF-2291-8120), valid for 90 days.",
            ),
        ]
    )
    update_records(
        case,
        {
            RecordKind.PATHOLOGY: {
                "name": "Dr. Ortiz's consultation notes and diagnosis letter",
                "status": RecordStatus.SENT,
                "source": "Riverside Neurology Associates",
                "format": RecordFormat.ELECTRONIC,
                "requested_on": today - dt.timedelta(days=25),
                "received_on": today - dt.timedelta(days=21),
                "sent_on": today - dt.timedelta(days=16),
            },
            RecordKind.LABS: {
                "name": "Blood tests (vitamin B12, thyroid, Lyme disease)",
                "status": RecordStatus.RECEIVED,
                "source": "Patient portal",
                "format": RecordFormat.ELECTRONIC,
                "requested_on": today - dt.timedelta(days=25),
                "received_on": today - dt.timedelta(days=25),
            },
            RecordKind.IMAGING_REPORT: {
                "name": "MRI report, brain and cervical spine",
                "status": RecordStatus.SENT,
                "source": "Riverside imaging department",
                "format": RecordFormat.ELECTRONIC,
                "requested_on": today - dt.timedelta(days=25),
                "received_on": today - dt.timedelta(days=20),
                "sent_on": today - dt.timedelta(days=16),
            },
            RecordKind.IMAGES: {
                "name": "MRI scans of the brain on CD",
                "status": RecordStatus.RECEIVED,
                "source": "Riverside imaging department",
                "format": RecordFormat.DISC,
                "requested_on": today - dt.timedelta(days=25),
                "received_on": today - dt.timedelta(days=18),
                "notes": "Bring the CD to the appointment; the MS Center will copy it.",
            },
            RecordKind.TREATMENT_PLAN: {
                "name": "Dr. Ortiz's proposed treatment plan",
                "status": RecordStatus.RECEIVED,
                "source": "Riverside Neurology Associates",
                "format": RecordFormat.PAPER,
                "requested_on": today - dt.timedelta(days=25),
                "received_on": today - dt.timedelta(days=21),
            },
            RecordKind.MEDICATION_LIST: {
                "name": "Medication list",
                "status": RecordStatus.RECEIVED,
                "source": "Dr. Shah's office",
                "format": RecordFormat.PAPER,
                "requested_on": today - dt.timedelta(days=25),
                "received_on": today - dt.timedelta(days=23),
            },
        },
    )
    Medication.objects.bulk_create(
        [
            Medication(
                case=case,
                name="Gabapentin",
                dose="300 mg",
                frequency="Three times a day",
                prescriber="Dr. Samuel Ortiz",
                notes="For tingling in the hands and feet",
                position=0,
            ),
            Medication(
                case=case,
                name="Lisinopril",
                dose="10 mg",
                frequency="Once a day, in the morning",
                prescriber="Dr. Priya Shah",
                notes="Blood pressure",
                position=1,
            ),
            Medication(
                case=case,
                name="Vitamin D3",
                dose="2,000 IU",
                frequency="Once a day",
                prescriber="Bought over the counter",
                position=2,
            ),
        ]
    )
    add_questions(
        opinion,
        [
            "Do you agree that this is multiple sclerosis after only one episode?",
            "Could anything else explain the MRI lesions?",
            "What happens if John waits and has another MRI in six months?",
            "Which treatment would you recommend, and what are its risks?",
            "Are there clinical trials John could join?",
        ],
    )
    return case
