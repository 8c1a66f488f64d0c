"""Maria Lopez's own case: early-stage breast cancer, surgery proposed within weeks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from cases.demo.builders import add_questions, at, update_records
from cases.models import (
    Case,
    InformChoice,
    InsuranceCall,
    Medication,
    Reason,
    RecordItem,
    Relationship,
    TreatmentKind,
    Urgency,
)
from cases.models.items import RecordFormat, RecordKind, RecordStatus
from cases.models.letters import RecordRequest, SentHow
from cases.models.opinion import AppointmentMode, ApprovalStatus, Coverage, YesNo
from cases.services.cases import create_case

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def marias_case(maria: User, emma: User, today: dt.date) -> Case:
    """Early-stage breast cancer; surgery proposed within weeks; Maria wants options."""
    case = create_case(
        owner=maria,
        patient_name="Maria Lopez",
        patient_dob=dt.date(today.year - 57, 4, 12),
        relationship=Relationship.SELF,
        condition="Early-stage breast cancer (invasive ductal carcinoma, stage I, left breast)",
        prognosis=(
            "Good. It was found early on a screening mammogram and the surgeon said the "
            "outlook with treatment is very favourable."
        ),
        diagnosed_by_name="Dr. Alan Reeves",
        diagnosed_by_specialty="General surgery",
        diagnosed_by_facility="Riverside Community Hospital",
        diagnosed_by_contact="(555) 013-2200",
        diagnosed_on=today - dt.timedelta(days=18),
        treatment_kind=TreatmentKind.SURGERY,
        treatment_description=(
            "Mastectomy of the left breast with a sentinel lymph node biopsy. Dr. Reeves "
            "would like to operate within a few weeks."
        ),
        treatment_urgency=Urgency.WEEKS,
        treatment_start_by=today + dt.timedelta(days=25),
        reasons=[Reason.MAJOR_TREATMENT, Reason.LESS_INVASIVE, Reason.PERSONAL_COMFORT],
        notes=(
            "I want to know whether a lumpectomy followed by radiation would be as safe "
            "for me as a mastectomy before I agree to surgery."
        ),
        primary_provider_name="Dr. Priya Shah, family doctor",
        primary_provider_contact="(555) 013-4410",
        inform_choice=InformChoice.TOLD,
        informed_on=today - dt.timedelta(days=14),
        provider_response=(
            "Supportive: she said a second opinion is sensible before major surgery and "
            "suggested the breast care center at Lakeside University."
        ),
        provider_offered_records=True,
        provider_suggested_specialist=True,
        insurer="Blue Harbor Health",
        insurance_plan="PPO Gold 1500",
        member_id="BHH-48210937",
        insurer_phone="1-800-555-0142",
    )
    opinion = case.current_opinion()
    opinion.key_question = (
        "Is a lumpectomy with radiation a safe alternative to a mastectomy for my tumour?"
    )
    # Step 2: insurance and referral
    opinion.coverage = Coverage.COVERED
    opinion.referral_status = ApprovalStatus.APPROVED
    opinion.referral_requested_on = today - dt.timedelta(days=13)
    opinion.referral_decided_on = today - dt.timedelta(days=9)
    opinion.referral_reference = "REF-2291-7734"
    opinion.prior_auth_status = ApprovalStatus.NOT_NEEDED
    opinion.in_network = YesNo.YES
    opinion.estimated_cost = Decimal("40.00")
    # Step 4: the appointment
    opinion.specialist_name = "Dr. Helen Chen"
    opinion.specialist_specialty = "Breast surgical oncology"
    opinion.specialist_institution = "Lakeside University Medical Center, Breast Care Center"
    opinion.specialist_address = "1200 University Avenue, 3rd floor\nLakeside, CA 94010"
    opinion.specialist_phone = "(555) 014-7800"
    # In 3 days: the worker's first run under `make run` emails Maria a reminder.
    opinion.appointment_at = at(today + dt.timedelta(days=3), 10, 30)
    opinion.appointment_mode = AppointmentMode.IN_PERSON
    opinion.records_arrived = YesNo.NO
    opinion.will_ask_to_record = True
    opinion.save()

    InsuranceCall.objects.bulk_create(
        [
            InsuranceCall(
                opinion=opinion,
                called_on=today - dt.timedelta(days=13),
                spoke_with="Denise, member services",
                reference="CALL-55810",
                notes=(
                    "Second opinions are covered at the specialist copay ($40). A referral "
                    "from my primary doctor is needed; no prior authorization for a "
                    "consultation."
                ),
            ),
            InsuranceCall(
                opinion=opinion,
                called_on=today - dt.timedelta(days=9),
                spoke_with="Marcus, referrals team",
                reference="CALL-56102",
                notes="Referral approved (REF-2291-7734). Dr. Chen is in network.",
            ),
        ]
    )
    update_records(
        case,
        {
            RecordKind.PATHOLOGY: {
                "name": "Pathology report and biopsy slides",
                "status": RecordStatus.SENT,
                "source": "Riverside Community Hospital, pathology lab",
                "format": RecordFormat.PAPER,
                "requested_on": today - dt.timedelta(days=14),
                "received_on": today - dt.timedelta(days=10),
                "sent_on": today - dt.timedelta(days=8),
                "notes": (
                    "The lab sent the slides straight to Lakeside. Call the breast care "
                    "center to confirm they arrived."
                ),
            },
            RecordKind.LABS: {
                "name": "Blood tests before the biopsy",
                "status": RecordStatus.RECEIVED,
                "source": "Patient portal",
                "format": RecordFormat.ELECTRONIC,
                "requested_on": today - dt.timedelta(days=14),
                "received_on": today - dt.timedelta(days=14),
            },
            RecordKind.IMAGING_REPORT: {
                "name": "Mammogram and ultrasound reports",
                "status": RecordStatus.RECEIVED,
                "source": "Riverside imaging department",
                "format": RecordFormat.ELECTRONIC,
                "requested_on": today - dt.timedelta(days=14),
                "received_on": today - dt.timedelta(days=11),
            },
            RecordKind.IMAGES: {
                "name": "Mammogram and ultrasound images on CD",
                "status": RecordStatus.REQUESTED,
                "source": "Riverside imaging department, (555) 013-2290",
                "format": RecordFormat.DISC,
                "requested_on": today - dt.timedelta(days=12),
                "notes": "They said 5 to 7 working days. Not arrived yet.",
            },
            RecordKind.TREATMENT_PLAN: {
                "name": "Dr. Reeves's surgical plan and consultation letter",
                "status": RecordStatus.RECEIVED,
                "source": "Dr. Reeves's office",
                "format": RecordFormat.PAPER,
                "requested_on": today - dt.timedelta(days=14),
                "received_on": today - dt.timedelta(days=7),
            },
            RecordKind.MEDICATION_LIST: {
                "name": "Medication list",
                "status": RecordStatus.NEEDED,
                "source": "Print it from the patient portal",
                "format": RecordFormat.PAPER,
            },
        },
    )
    _letters(case, today)
    Medication.objects.bulk_create(
        [
            Medication(
                case=case,
                name="Vitamin D3",
                dose="1,000 IU",
                frequency="Once a day",
                prescriber="Bought over the counter",
                position=0,
            ),
            Medication(
                case=case,
                name="Ibuprofen",
                dose="200 mg",
                frequency="As needed for pain, up to 3 times a day",
                prescriber="Bought over the counter",
                notes="Stopped for a week before the biopsy",
                position=1,
            ),
        ]
    )
    add_questions(
        opinion,
        [
            "Do you agree with the diagnosis and the stage?",
            "Would a lumpectomy followed by radiation be as effective as a mastectomy for me?",
            "Is it safe to wait a few more weeks while I decide?",
            "Are there clinical trials I could join?",
            "How many women with this kind of tumour do you treat each year?",
            "What would treatment with you cost, and what happens next if I choose you?",
        ],
    )
    return case


def _letters(case: Case, today: dt.date) -> None:
    """Two records-request letters: one sent 12 days ago, one past its 30 days."""
    opinion = case.current_opinion()
    # Her earlier mammograms, for comparison, asked for after the screening call-back.
    RecordItem.objects.create(
        opinion=opinion,
        kind=RecordKind.OTHER,
        name="Earlier mammograms for comparison (2021 to 2024)",
        status=RecordStatus.REQUESTED,
        source="Bayview Women's Clinic",
        format=RecordFormat.DISC,
        requested_on=today - dt.timedelta(days=34),
        notes="Asked by letter before the move was sorted out. No answer yet.",
        position=10,
    )
    RecordRequest.objects.bulk_create(
        [
            RecordRequest(
                opinion=opinion,
                source="Riverside imaging department, (555) 013-2290",
                sent_on=today - dt.timedelta(days=12),
                sent_how=SentHow.PORTAL,
            ),
            RecordRequest(
                opinion=opinion,
                source="Bayview Women's Clinic",
                sent_on=today - dt.timedelta(days=34),
                sent_how=SentHow.MAIL,
            ),
        ]
    )
