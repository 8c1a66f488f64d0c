"""English and Spanish: each case's documents follow its packet language, each email its
reader's, and no Spanish page shows a catalogue string left in English."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from cases.models import AccountLanguage, Opinion, Role
from cases.services.reminders import send_reminders
from tests.factories import add_member, make_case, make_user
from tests.i18n_support import CATALOGUE, ENGLISH, SPANISH, html_lang

# The case's packet language ----------------------------------------------------------


@pytest.mark.django_db
def test_a_case_starts_in_the_language_its_creator_reads(owner):
    with translation.override("es"):
        spanish = make_case(owner)
    with translation.override("en"):
        english = make_case(owner)
    assert spanish.packet_language == "es"
    assert english.packet_language == "en"


@pytest.mark.django_db
def test_an_editor_chooses_the_packet_language_on_the_case_page(
    owner_client, caregiver_client, viewer_client, case
):
    page = owner_client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert 'name="packet_language"' in page
    assert (
        'name="packet_language"'
        not in viewer_client.get(reverse("case_detail", args=[case.pk])).content.decode()
    )

    url = reverse("packet_language", args=[case.pk])
    response = caregiver_client.post(url, {"packet_language": "es"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("case_detail", args=[case.pk]))
    case.refresh_from_db()
    assert case.packet_language == "es"
    assert viewer_client.post(url, {"packet_language": "en"}).status_code == 403
    owner_client.post(url, {"packet_language": "fr"})
    case.refresh_from_db()
    assert case.packet_language == "es"


def _pdf(response) -> PdfReader:
    assert response.status_code == 200, response.status_code
    return PdfReader(io.BytesIO(response.content))


def _pdf_text(reader: PdfReader) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


@pytest.mark.django_db
def test_the_packet_language_overrides_the_members(owner_client, case):
    case.packet_language = "es"
    case.save()
    url = reverse("packet_download", args=[case.pk])
    today = dt.date.today()
    with translation.override("es"):
        spanish_month = formats.date_format(today, "F")
    reader = _pdf(owner_client.get(url, **ENGLISH))
    assert reader.trailer["/Root"]["/Lang"] == "es-US"
    text = _pdf_text(reader)
    # "Printed on" today, with Spanish month names; Spanish headings, and the running
    # header and page numbers (from the document, not the style sheet) in Spanish too.
    assert spanish_month in text
    for words in ("Carpeta para la cita", "Medicamentos", "Preguntas para el médico"):
        assert words in text, words
    assert f"{case.patient_name} – carpeta para la cita" in text
    assert "Página 1 de" in text
    assert "Page 1 of" not in text and "appointment packet" not in text

    case.packet_language = "en"
    case.save()
    reader = _pdf(owner_client.get(url, **SPANISH))
    assert reader.trailer["/Root"]["/Lang"] == "en-US"
    with translation.override("en"):
        assert formats.date_format(today, "F") in _pdf_text(reader)


@pytest.mark.django_db
def test_the_preview_shows_the_packet_in_its_language(owner_client, case):
    case.packet_language = "es"
    case.save()
    page = owner_client.get(reverse("packet_preview", args=[case.pk]), **ENGLISH)
    assert page.status_code == 200
    # The page is the reader's (English); only the packet inside it is Spanish.
    assert html_lang(page) == "en"
    html = page.content.decode()
    chrome, packet = html.split('<div class="packet-preview"', 1)
    assert "<h1>Appointment packet</h1>" in chrome
    assert "Paper size" in chrome and "Sign out" in chrome
    assert packet.startswith(' aria-label="Preview of the packet" role="region" lang="es">')
    assert "Medicamentos" in packet and "Preguntas" in packet
    assert "Medications" not in packet


@pytest.mark.django_db
def test_request_letters_and_the_decision_summary_follow_the_packet_language(owner_client, case):
    from cases.models import Decision, Result
    from cases.services.letters import start_letter

    case.packet_language = "es"
    case.save()
    opinion = case.current_opinion()
    opinion.records.update(source="Valley Lab")
    letter = start_letter(opinion, "Valley Lab")
    response = owner_client.get(reverse("letter_download", args=[case.pk, letter.pk]), **ENGLISH)
    reader = _pdf(response)
    assert reader.trailer["/Root"]["/Lang"] == "es-US"
    assert "Página 1 de " in _pdf_text(reader)

    opinion.result = Result.CONFIRMATION
    opinion.decision = Decision.SWITCH
    opinion.decided_on = dt.date(2026, 1, 25)
    opinion.save()
    reader = _pdf(owner_client.get(reverse("decision_summary", args=[case.pk]), **ENGLISH))
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert "enero" in _pdf_text(reader)  # the decision's date, in Spanish


# Emails ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_invitation_is_written_in_the_invitees_account_language(owner_client, case):
    spanish_reader = make_user("rosa@example.org")
    AccountLanguage.remember(spanish_reader, "es")
    owner_client.post(
        reverse("case_invite", args=[case.pk]),
        {"email": "rosa@example.org", "role": "viewer"},
        **ENGLISH,
    )
    assert "Para aceptar, abra este enlace:" in mail.outbox[-1].body
    owner_client.post(
        reverse("case_invite", args=[case.pk]),
        {"email": "new.person@example.org", "role": "viewer"},
        **ENGLISH,
    )
    # No account yet: the inviter's language.
    assert "To accept, open this link:" in mail.outbox[-1].body


@pytest.mark.django_db
def test_a_new_address_is_invited_in_the_inviters_language(owner_client, case):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    owner_client.post(
        reverse("case_invite", args=[case.pk]),
        {"email": "new.person@example.org", "role": "editor"},
    )
    assert "como editor" in mail.outbox[-1].body


@pytest.mark.django_db
def test_reminders_are_written_in_each_recipients_language(owner, caregiver):
    case = make_case(owner, patient_name="Maria Lopez", relationship="self")
    add_member(case, caregiver, Role.EDITOR)
    today = dt.date(2026, 3, 2)
    appointment = timezone.make_aware(dt.datetime(2026, 3, 5, 10, 30))
    Opinion.objects.filter(pk=case.current_opinion().pk).update(appointment_at=appointment)
    AccountLanguage.remember(owner, "es")
    send_reminders(today=today)
    by_person = {m.to[0]: m.alternatives[0][0] for m in mail.outbox}
    assert '<html lang="es">' in by_person[owner.email]
    assert "Dejar de recibir estos recordatorios" in by_person[owner.email]
    assert '<html lang="en">' in by_person[caregiver.email]
    assert "Stop these reminders now" in by_person[caregiver.email]


@pytest.mark.django_db
def test_a_spanish_reminder_says_whose_case_for_the_patient_and_for_a_caregiver(owner, caregiver):
    """ "your" and "Maria's" are both "su" in Spanish: the email's closing lines choose
    their sentence on whether the case is the reader's own, not on that word."""
    case = make_case(owner, patient_name="Maria Lopez", relationship="self")
    add_member(case, caregiver, Role.EDITOR)
    appointment = timezone.make_aware(dt.datetime(2026, 3, 5, 10, 30))
    Opinion.objects.filter(pk=case.current_opinion().pk).update(appointment_at=appointment)
    AccountLanguage.remember(owner, "es")
    AccountLanguage.remember(caregiver, "es")
    send_reminders(today=dt.date(2026, 3, 2))
    by_person = {m.to[0]: m for m in mail.outbox}

    patients = by_person[owner.email]
    assert patients.subject == "Segunda Opinión: Su cita es en 3 días"
    assert "Recibe estos recordatorios sobre su caso en Segunda Opinión." in patients.body
    assert ">Abrir su caso</a>" in patients.alternatives[0][0]
    # What is still missing to bring, worked out by the job, in the reader's language.
    assert "Es a las 10:30 a.m. del jueves 5 de marzo de 2026." in patients.body
    assert "Todavía falta de “Qué llevar”: Historia clínica y resultados de pruebas" in (
        patients.body
    )

    caregivers = by_person[caregiver.email]
    assert caregivers.subject == "Segunda Opinión: Su cita es en 3 días"
    assert (
        "Recibe estos recordatorios como miembro del caso de Maria en Segunda Opinión."
        in caregivers.body
    )
    assert ">Abrir el caso de Maria</a>" in caregivers.alternatives[0][0]
    for message in (patients, caregivers):
        assert "caso de su" not in message.body
        assert "your" not in message.body.lower()


# Every page, all in Spanish ----------------------------------------------------------

# Text typed in English that happens to be a catalogue string too: a record the demo
# names, and the question tests/test_access_policy.py adds to reach a question's pages.
DEMO_DATA = {"Medication list", "How urgent is it?"}


class _Words(HTMLParser):
    """Each text node and each attribute a person reads, outside the packet preview's packet
    (in the case's own language)."""

    READ = {"aria-label", "title", "alt", "placeholder", "value"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.skip = 0  # depth inside script, style or a lang="en" container

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        values = dict(attrs)
        if self.skip or tag in ("script", "style") or values.get("lang", "es")[:2] != "es":
            self.skip += 1
            return
        self.words += [v.strip() for k, v in attrs if k in self.READ and k != "value" and v]

    def handle_endtag(self, tag: str) -> None:
        if self.skip and tag not in self.VOID:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.words.append(" ".join(data.split()))


@pytest.mark.django_db
def test_no_spanish_page_shows_a_catalogue_string_in_english():
    """Strings built in Python that escaped translation (a gettext run at import time, a
    label stored in English) show up here as a whole text node in English."""
    from tests.pages import html_pages, load_demo

    english = {
        " ".join(e.msgid.split())
        for e in polib.pofile(str(CATALOGUE))
        if e.msgstr and e.msgstr != e.msgid and "%(" not in e.msgid and len(e.msgid) > 3
    } - DEMO_DATA
    # The demo made in Spanish: its starter checklist and packets are Spanish too.
    with translation.override("es"):
        owner = load_demo()
    pages = html_pages(owner, language="es-US,es;q=0.9")
    assert len(pages) > 50
    leaks, read = [], set()
    for page, html in pages.items():
        assert _html_lang_of(html) == "es", page.url
        parser = _Words()
        parser.feed(html)
        read.update(parser.words)
        leaks += [f"{page.name}: {w}" for w in parser.words if w in english]
    # Not vacuous: the words are read, and the English they would leak is known.
    assert {"Sus casos", "Cerrar sesión", "Guardar"} <= read
    assert {"Your cases", "Sign out", "Save"} <= english
    assert not leaks, "\n".join(sorted(set(leaks)))


def _html_lang_of(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)
