"""Two realistic cases for the packet, modelled on the article's Maria and John.

Shared by the packet, PDF and member-id tests, tests/browser/ and bench/packet.py; built with
the demo's own builders (cases/demo/builders.py). ``built_once`` lets a test module render
an expensive PDF from them once and share its bytes.
"""

from __future__ import annotations

import datetime as dt

from cases.demo.builders import add_questions, at
from cases.models import Case, InsuranceCall, Medication, Membership, Question, Role
from cases.models.items import RecordFormat, RecordStatus
from tests.factories import add_member, make_case, make_user

MARIA_QUESTIONS = [
    "Do you agree with the diagnosis of early-stage breast cancer?",
    "Is a less invasive procedure followed by radiation a safe option for me?",
    "Why does your recommendation differ from immediate surgery, if it does?",
    "What happens if I wait four to six weeks before deciding?",
    "How many patients like me have you treated this way?",
    "Are there clinical trials I could join?",
    "What will the treatment cost, and is it covered by my plan?",
    "What happens next, and who do I call with questions?",
]


def make_maria(owner=None, *, medications: int | None = None, questions: int | None = None) -> Case:
    """Maria: early-stage breast cancer, immediate surgery proposed, tracking her own case."""
    owner = owner or make_user("maria@example.org")
    case = make_case(
        owner,
        patient_name="Maria Lopez",
        patient_dob=dt.date(1968, 4, 12),
        relationship="self",
        condition="Early-stage breast cancer (left breast, stage I)",
        diagnosed_by_name="Dr Susan Patel",
        diagnosed_by_specialty="Breast surgery",
        diagnosed_by_facility="Riverside Community Hospital",
        diagnosed_by_contact="(555) 201-4410",
        diagnosed_on=dt.date(2026, 10, 2),
        treatment_kind="surgery",
        treatment_description="Mastectomy of the left breast, as soon as possible",
        treatment_urgency="immediate",
        treatment_start_by=dt.date(2026, 12, 1),
        reasons=["major_treatment", "less_invasive"],
        primary_provider_name="Dr Emily Ross",
        primary_provider_contact="(555) 201-3300",
        informed_on=dt.date(2026, 10, 6),
        inform_choice="told",
        insurer="BlueCross BlueShield",
        insurance_plan="PPO Gold 1500",
        member_id="XJH123456789",
        insurer_phone="1-800-555-0199",
    )
    opinion = case.current_opinion()
    opinion.key_question = (
        "Is a less invasive procedure followed by radiation a safe alternative to "
        "immediate mastectomy for me?"
    )
    opinion.specialist_name = "Dr Alan Chen"
    opinion.specialist_specialty = "Breast oncology"
    opinion.specialist_institution = "University Medical Center, Breast Cancer Program"
    opinion.specialist_address = "1200 University Avenue, Suite 4B\nSpringfield, IL 62701"
    opinion.specialist_phone = "(555) 340-7788"
    opinion.appointment_at = at(dt.date(2026, 11, 25), 10, 30)
    opinion.appointment_mode = "in_person"
    opinion.coverage = "covered"
    opinion.in_network = "yes"
    opinion.referral_status = "approved"
    opinion.referral_reference = "REF-55821"
    opinion.referral_requested_on = dt.date(2026, 10, 8)
    opinion.referral_decided_on = dt.date(2026, 10, 14)
    opinion.prior_auth_status = "requested"
    opinion.prior_auth_reference = "PA-0098-221"
    opinion.records_arrived = "yes"
    opinion.save()
    records = list(opinion.records.order_by("position"))
    # pathology, labs, imaging reports, images, treatment plan, medication list
    plan = [
        (RecordStatus.SENT, RecordFormat.ELECTRONIC, dt.date(2026, 10, 9), dt.date(2026, 10, 15)),
        (RecordStatus.RECEIVED, RecordFormat.PAPER, dt.date(2026, 10, 9), dt.date(2026, 10, 15)),
        (RecordStatus.SENT, RecordFormat.ELECTRONIC, dt.date(2026, 10, 9), dt.date(2026, 10, 15)),
        (RecordStatus.RECEIVED, RecordFormat.DISC, dt.date(2026, 10, 9), dt.date(2026, 10, 20)),
        (RecordStatus.REQUESTED, "", dt.date(2026, 10, 9), None),
        (RecordStatus.RECEIVED, RecordFormat.PAPER, None, dt.date(2026, 10, 20)),
    ]
    for record, (status, fmt, requested, received) in zip(records, plan, strict=True):
        record.status, record.format = status, fmt
        record.requested_on, record.received_on = requested, received
        record.source = "Riverside Community Hospital"
        if status == RecordStatus.SENT:
            record.sent_on = dt.date(2026, 10, 22)
        record.save()
    meds = [
        ("Letrozole", "2.5 mg", "Once a day", "Dr Susan Patel", "Started 5 Oct 2026"),
        ("Lisinopril", "10 mg", "Once a day, morning", "Dr Emily Ross", "Blood pressure"),
        ("Vitamin D3", "1,000 IU", "Once a day", "", "Over the counter"),
        ("Ibuprofen", "400 mg", "As needed, at most 3 a day", "", "Over the counter"),
    ]
    if medications is not None:
        meds = [(f"Medicine {i + 1}", "10 mg", "Once a day", "", "") for i in range(medications)]
    Medication.objects.bulk_create(
        Medication(case=case, name=n, dose=d, frequency=f, prescriber=p, notes=x, position=i)
        for i, (n, d, f, p, x) in enumerate(meds)
    )
    texts = MARIA_QUESTIONS
    if questions is not None:
        texts = [f"Question number {i + 1}?" for i in range(questions)]
    add_questions(opinion, texts)
    InsuranceCall.objects.create(
        opinion=opinion,
        called_on=dt.date(2026, 10, 7),
        spoke_with="Karen at member services",
        reference="CALL-7781",
    )
    return case


def make_john(wife=None) -> Case:
    """John: a neurological condition; his wife Linda runs the case and has his proxy."""
    wife = wife or make_user("linda@example.org")
    wife.first_name, wife.last_name = "Linda", "Carter"
    wife.save()
    case = make_case(
        wife,
        patient_name="John Carter",
        patient_dob=dt.date(1957, 9, 3),
        relationship="spouse",
        condition="Suspected relapsing-remitting multiple sclerosis",
        diagnosed_by_name="Dr Raj Mehta",
        diagnosed_by_specialty="Neurology",
        diagnosed_by_facility="Lakeside Neurology Clinic",
        diagnosed_on=dt.date(2026, 9, 15),
        treatment_kind="lifelong_medication",
        treatment_description="Start a disease-modifying therapy (injections)",
        treatment_urgency="weeks",
        reasons=["uncertain_diagnosis", "major_treatment"],
        insurer="Aetna",
        insurance_plan="Medicare Advantage HMO",
        member_id="W2849-1130-77",
    )
    Membership.objects.filter(case=case, user=wife).update(
        authority_kind="proxy", authority_expires=dt.date(2027, 5, 1)
    )
    daughter = make_user("emma@example.org")
    add_member(case, daughter, Role.VIEWER)
    Membership.objects.filter(case=case, user=daughter).update(
        authority_kind="hipaa_release", authority_expires=dt.date(2026, 1, 31)
    )
    opinion = case.current_opinion()
    opinion.key_question = "Is this multiple sclerosis, and does John need lifelong medication?"
    opinion.specialist_name = "Dr Helen Park"
    opinion.specialist_specialty = "Neurology (MS centre)"
    opinion.specialist_institution = "State University Neurology Institute"
    opinion.referral_status = "approved"
    opinion.referral_reference = "HMO-REF-40417"
    opinion.save()
    images = opinion.records.get(kind="images")
    images.name = "MRI scans of the brain and spine (CD)"
    images.status, images.format = RecordStatus.RECEIVED, RecordFormat.DISC
    images.received_on = dt.date(2026, 10, 1)
    images.save()
    Medication.objects.create(case=case, name="Vitamin D3", dose="2,000 IU", frequency="Daily")
    Question.objects.create(opinion=opinion, text="Do the MRI scans show multiple sclerosis?")
    return case


def built_once(django_db_blocker, build):
    """Run ``build`` (make data, download a PDF) once for a module, in a transaction of its
    own that is rolled back, so each test still starts from an empty database."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        result = build()
        transaction.set_rollback(True)
    return result
