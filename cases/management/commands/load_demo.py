"""Demo data for a first look: Maria Lopez's own case, her husband John's, and her
mother Rosa's, whose second opinion is already in and decided.

Drawn from the reference article: a major treatment recommended quickly (Maria's
surgery), an uncertain diagnosis with lifelong medication (John's suspected MS), a
caregiver acting with a health care proxy, and a relative who may only look.
Rosa's finished case shows the rest of the product: the outcome, the opinions side by
side and the decision. Every date is relative to today.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from cases.management.commands._demo_files import attach_demo_files
from cases.models import (
    AuthorityKind,
    Case,
    Decision,
    FollowUpAction,
    InformChoice,
    InsuranceCall,
    Medication,
    Membership,
    Opinion,
    Question,
    Reason,
    RecordItem,
    Relationship,
    Result,
    Role,
    TreatmentKind,
    Urgency,
)
from cases.models.items import RecordFormat, RecordKind, RecordStatus
from cases.models.letters import RecordRequest, SentHow
from cases.models.opinion import AppointmentMode, ApprovalStatus, Coverage, YesNo
from cases.services.cases import create_case
from cases.services.erasure import erase_case

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DEMO_EMAIL = "demo@example.org"
DAUGHTER_EMAIL = "emma@example.org"
DEMO_PASSWORD = "demo-second-opinion"
SITE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Load demo accounts and cases (development only). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo cases and create them afresh, with dates relative to today.",
        )
        parser.add_argument(
            "--url", default=SITE_URL, help="Where the site is served, for the closing message."
        )

    def handle(self, *args: Any, reset: bool = False, url: str = SITE_URL, **options: Any) -> None:
        if not settings.DEBUG:
            # Known passwords must never reach a real deployment.
            raise CommandError(
                "load_demo creates accounts with published passwords, so it only runs with "
                "DEBUG on (DEBUG=1 python manage.py load_demo)."
            )
        with transaction.atomic():
            maria = _user(DEMO_EMAIL, "Maria", "Lopez")
            emma = _user(DAUGHTER_EMAIL, "Emma", "Lopez")
            created = []
            for name, build in (
                ("Maria Lopez", _marias_case),
                ("John Lopez", _johns_case),
                ("Rosa Alvarez", _rosas_case),
            ):
                existing = Case.objects.filter(
                    patient_name=name,
                    memberships__user=maria,
                    memberships__role=Role.OWNER,
                )
                if existing.exists() and not reset:
                    continue
                for old in existing:
                    # Deleted for good, activity trail included, as people delete cases.
                    erase_case(old, by=None)
                attach_demo_files(build(maria, emma, timezone.localdate()), maria)
                created.append(name)

        if created:
            self.stdout.write(f"Demo cases created: {', '.join(created)}.")
        else:
            self.stdout.write("Demo data already loaded (use --reset to start it afresh).")
        self.stdout.write(
            self.style.SUCCESS(
                f"\nSecond Opinion is ready at {url}\n"
                f"Sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}\n"
                f"(Their daughter, who may only view John's case: {DAUGHTER_EMAIL} / "
                f"{DEMO_PASSWORD})\n"
            )
        )


def _user(email: str, first_name: str, last_name: str) -> User:
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=email.split("@")[0],
        defaults={"email": email, "first_name": first_name, "last_name": last_name},
    )
    if not user.check_password(DEMO_PASSWORD):
        # The printed sign-in must always work, even after someone changed it.
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"primary": True, "verified": True}
    )
    return user


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _update_records(case: Case, changes: dict[str, dict[str, Any]]) -> None:
    for record in case.current_opinion().records.all():
        for field, value in changes.get(record.kind, {}).items():
            setattr(record, field, value)
        record.save()


def _marias_case(maria: User, emma: User, today: dt.date) -> Case:
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
    opinion.appointment_at = _at(today + dt.timedelta(days=3), 10, 30)
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
    _update_records(
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
    _marias_letters(case, today)
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
    _questions(
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


def _marias_letters(case: Case, today: dt.date) -> None:
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


def _johns_case(maria: User, emma: User, today: dt.date) -> Case:
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
    opinion.appointment_at = _at(today + dt.timedelta(days=24), 14, 0)
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
    _update_records(
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
    _questions(
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


def _questions(opinion: Opinion, texts: list[str]) -> None:
    Question.objects.bulk_create(
        Question(opinion=opinion, text=text, position=i) for i, text in enumerate(texts)
    )


def _rosas_case(maria: User, emma: User, today: dt.date) -> Case:
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
    opinion.appointment_at = _at(seen_on, 14, 0)
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
    _questions(
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
