"""English and Spanish: the catalogue is complete, every template string is marked, the
language follows the browser, the switch and the account, and each case's documents
follow its packet language."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django import forms
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from cases import display
from cases.forms.fields import DateInput
from cases.models import AccountLanguage, Opinion, Role
from cases.services.reminders import send_reminders
from tests.factories import PASSWORD, add_member, make_case, make_user
from tests.i18n_scan import TEMPLATES, template_files, untranslated

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-US,es;q=0.9"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def _html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


# The catalogue and the templates ------------------------------------------------------


def test_the_spanish_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.metadata["Language"] == "es"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert len(catalogue) > 100
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert not catalogue.metadata_is_fuzzy
    for entry in catalogue:
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.get(i) for i in (0, 1)), entry.msgid


POSSESSIVES = {"%(name)s’s", "%(name)s's"}


def test_the_catalogue_keeps_every_placeholder():
    """A translation that drops or renames %(name)s or %(count)d fails at render time, in
    Spanish only; one that drops an HTML tag loses a link or emphasis."""
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    tag = re.compile(r"<[^>]+>")
    for entry in polib.pofile(str(CATALOGUE)):
        wanted = set(placeholder.findall(entry.msgid_plural or entry.msgid))
        for english, spanish in (
            [(entry.msgid_plural, entry.msgstr_plural[1])]
            if entry.msgid_plural
            else [(entry.msgid, entry.msgstr)]
        ):
            assert sorted(tag.findall(spanish)) == sorted(tag.findall(english)), entry.msgid
        if entry.msgid_plural:
            # Spanish's singular may say "Su código" instead of "Sus 1 códigos".
            assert set(placeholder.findall(entry.msgstr_plural[1])) == wanted, entry.msgid
            assert set(placeholder.findall(entry.msgstr_plural[0])) <= wanted, entry.msgid
        elif entry.msgid in POSSESSIVES:
            # "Maria's" is "su" in Spanish: the name may go (Python's % with a dict lets it).
            assert set(placeholder.findall(entry.msgstr)) <= wanted, entry.msgid
        else:
            assert set(placeholder.findall(entry.msgstr)) == wanted, entry.msgid


@pytest.mark.parametrize(
    "path", list(template_files()), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_every_template_string_is_marked_for_translation(path):
    assert untranslated(path) == []


def test_the_scan_finds_text_left_outside_translation(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<h1>{% translate "Your cases" %}</h1><p>Not marked</p>'
        '<img alt="A chart" src="x.png">'
    )
    assert untranslated(page) == ['alt="A chart"', "Not marked"]


# The language of the screens ----------------------------------------------------------


@pytest.mark.django_db
def test_the_browsers_language_decides_before_any_choice(client):
    spanish = client.get(reverse("account_login"), **SPANISH)
    assert _html_lang(spanish) == "es"
    assert "Iniciar sesión" in spanish.content.decode()
    assert "¿Olvidó su contraseña?" in spanish.content.decode()
    english = Client().get(reverse("account_login"), **ENGLISH)
    assert _html_lang(english) == "en"
    assert "Forgot your password?" in english.content.decode()


@pytest.mark.django_db
def test_djangos_and_allauths_own_messages_are_in_spanish(client):
    make_user("alice@example.org")
    response = client.post(
        reverse("account_login"), {"login": "alice@example.org", "password": "wrong"}, **SPANISH
    )
    html = response.content.decode()
    assert "Hay un problema" in html
    # A required field left empty: Django's own message, from Django's catalogue.
    response = client.post(reverse("account_login"), {"login": "", "password": ""}, **SPANISH)
    assert "Este campo es obligatorio." in response.content.decode()


@pytest.mark.django_db
def test_every_page_has_the_switch_each_language_named_in_itself(client, owner_client, case):
    for page in (
        client.get(reverse("account_login")),
        owner_client.get(reverse("dashboard")),
        owner_client.get(reverse("case_detail", args=[case.pk])),
    ):
        html = page.content.decode()
        assert f'action="{reverse("set_language")}"' in html
        assert '<label class="language-switch__label" for="language-switch">Language</label>' in (
            html
        )
        assert '<option value="en" lang="en" selected>English</option>' in html
        assert '<option value="es" lang="es">Español</option>' in html
        assert ">Change language</button>" in html


@pytest.mark.django_db
def test_the_switch_works_without_javascript_and_is_remembered_for_the_account(owner):
    browser = Client()
    browser.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD}, **ENGLISH)
    dashboard = reverse("dashboard")
    response = browser.post(reverse("set_language"), {"language": "es", "next": dashboard})
    assert response.status_code == 302 and response["Location"] == dashboard
    assert browser.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = browser.get(dashboard, **ENGLISH)  # the choice beats the browser
    assert _html_lang(page) == "es"
    assert ">Cambiar idioma</button>" in page.content.decode()
    # What app.js says (the sign-out warning's minutes, announcements) comes from the page.
    assert 'data-session-minutes="{n} minutos"' in page.content.decode()
    assert 'data-not-saved="Lo sentimos, no se guardó. Vuelva a intentarlo."' in (
        page.content.decode()
    )
    assert AccountLanguage.for_user(owner) == "es"

    # Signed out, then in again on another computer whose browser asks for English.
    browser.post(reverse("account_logout"))
    elsewhere = Client()
    response = elsewhere.post(
        reverse("account_login"), {"login": owner.email, "password": PASSWORD}, **ENGLISH
    )
    assert elsewhere.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = elsewhere.get(response["Location"], **ENGLISH)
    assert _html_lang(page) == "es"
    assert "Sus casos" in page.content.decode()


@pytest.mark.django_db
def test_an_account_first_signs_in_with_the_browsers_language(owner):
    browser = Client()
    browser.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD}, **SPANISH)
    assert AccountLanguage.for_user(owner) == "es"


@pytest.mark.django_db
def test_the_switch_refuses_other_sites_and_unknown_languages(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    response = Client().post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert Client().get(reverse("set_language")).status_code == 405


@pytest.mark.django_db
def test_the_switch_is_open_before_signing_in_and_saves_nothing_then(client):
    response = client.post(
        reverse("set_language"), {"language": "es", "next": reverse("account_login")}
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["httponly"]
    assert AccountLanguage.objects.count() == 0
    assert _html_lang(client.get(reverse("account_login"))) == "es"


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
    assert _html_lang(page) == "en"
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


# Dates, times and numbers -------------------------------------------------------------


def test_dates_times_and_amounts_are_written_for_each_language():
    day = dt.datetime(2026, 5, 14, 10, 30)
    with translation.override("en"):
        assert display.date_text(day.date()) == "14 May 2026"
        assert display.date_and_time(day) == "14 May 2026 at 10:30am"
        assert formats.number_format(Decimal("1234.5"), 2, force_grouping=True) == "1,234.50"
    with translation.override("es"):
        assert display.date_text(day.date()) == "14 de mayo de 2026"
        assert display.date_text(day.date(), weekday=True) == "jueves 14 de mayo de 2026"
        assert display.time_of_day(day) == "10:30 a.m."
        assert display.date_and_time(day) == "14 de mayo de 2026 a las 10:30 a.m."
        # US Spanish: amounts as on every US bill, which the money fields read back.
        assert formats.number_format(Decimal("1234.5"), 2, force_grouping=True) == "1,234.50"


def test_a_date_typed_in_spanish_is_read_as_the_browser_sends_it():
    class DateForm(forms.Form):
        day = forms.DateField(widget=DateInput)

    with translation.override("es"):
        form = DateForm({"day": "2026-03-27"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == dt.date(2026, 3, 27)
        assert 'value="2026-03-27"' in str(DateForm(initial={"day": dt.date(2026, 3, 27)}))
