"""The case templates in Spanish: every page of a case, the packet PDF and the letter.

The catalogue is compiled afresh for these tests (msgfmt, which the build installs), so
they read the .po as it is in the tree and fail on an entry msgfmt rejects.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from cases.models import Decision, FollowUpAction
from cases.pdf import render_pdf
from cases.services.packet import build_packet
from cases.services.summary import decision_summary_html
from tests.factories import make_user
from tests.i18n_scan import TEMPLATES, template_files, untranslated
from tests.outcomes_support import record_outcome
from tests.packet_cases import make_maria
from tests.test_access_policy import URL_NAMES, _kwargs_for

CATALOGUE = Path(django_settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="session")
def compiled_locale(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("locale")
    out = root / "es" / "LC_MESSAGES"
    out.mkdir(parents=True)
    subprocess.run(
        ["msgfmt", "--check", "-o", str(out / "django.mo"), str(CATALOGUE)],
        check=True,
        capture_output=True,
    )
    return root


@pytest.fixture(scope="session")
def english_sentences(compiled_locale) -> list[str]:
    """Whole English sentences of the catalogue that read differently in Spanish.

    Long enough not to be a word the patient typed; no placeholders (they render with
    values in place) and no "%" (the translate tag doubles it in the msgid).
    """
    with open(compiled_locale / "es" / "LC_MESSAGES" / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog  # noqa: SLF001 (msgid -> msgstr)
    return sorted(
        msgid
        for msgid, msgstr in catalog.items()
        if isinstance(msgid, str)
        and "\x04" not in msgid
        and "%" not in msgid
        and len(msgid) >= 30
        and msgid != msgstr
    )


@pytest.fixture
def spanish(settings, compiled_locale):
    # Changing LOCALE_PATHS empties Django's translation caches (a setting_changed hook).
    settings.LOCALE_PATHS = [compiled_locale]
    with translation.override("es"):
        yield


def _get(client, url: str):
    # The browser asks for Spanish too, for when LocaleMiddleware decides the language.
    return client.get(url, HTTP_ACCEPT_LANGUAGE="es")


def test_no_template_under_cases_has_text_outside_translation():
    left = {
        str(path.relative_to(TEMPLATES)): pieces
        for path in template_files(TEMPLATES / "cases")
        if (pieces := untranslated(path))
    }
    assert left == {}


@pytest.mark.django_db
def test_every_case_page_reads_in_spanish(spanish, english_sentences, owner_client, case):
    pages = {}
    for name in URL_NAMES:
        response = _get(owner_client, reverse(name, kwargs=_kwargs_for(name, case)))
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue  # a redirect, a PDF, a calendar file
        html = response.content.decode()
        english = [s for s in english_sentences if s in html]
        assert english == [], name
        pages[name] = html
    assert len(pages) >= 25, sorted(pages)

    overview = pages["case_detail"]
    for heading in (
        "Cómo obtener la",
        "Qué llevar a la cita",
        "Para el médico",
        "Carpeta para la cita",
        "Quién puede ver este caso",
    ):
        assert heading in overview, heading
    assert "Paso 1" in pages["step_inform"]
    assert "Ir al paso 2: Revisar el seguro y la remisión" in pages["step_inform"]
    assert "Paso 2" in pages["step_insurance"]
    assert "Llamadas a su aseguradora" in pages["step_insurance"]
    assert "Ir al paso 3: Solicitar la historia clínica" in pages["step_insurance"]
    assert "Consejos para ahorrar tiempo" in pages["records"]
    assert "Ir al paso 4: Programar la cita" in pages["records"]
    assert "Paso 4" in pages["step_appointment"]
    assert "Grabar la cita" in pages["step_appointment"]
    assert "Vista previa de la carpeta" in pages["packet_preview"]
    assert "Personas con acceso" in pages["case_members"]


@pytest.mark.django_db
def test_the_dashboard_reads_in_spanish(spanish, owner_client, case):
    html = _get(owner_client, reverse("dashboard")).content.decode()
    assert "<h1>Sus casos</h1>" in html
    assert "Empezar un caso nuevo" in html
    assert "Start a new case" not in html


@pytest.mark.django_db
def test_the_request_letter_text_is_spanish_and_keeps_the_legal_reference(
    spanish, owner_client, case
):
    html = _get(
        owner_client, reverse("letter_detail", kwargs=_kwargs_for("letter_detail", case))
    ).content.decode()
    (text,) = re.findall(r"<textarea[^>]*>(.*?)</textarea>", html, re.S)
    assert "Solicitud de copias de la historia clínica" in text
    assert "45 CFR 164.524" in text
    assert "Para: oficina de historias clínicas" in text
    assert "Request for copies" not in text


@pytest.mark.django_db
def test_the_packet_pdf_has_spanish_headings_in_order(spanish):
    owner = make_user("maria@example.org")
    maria = make_maria(owner)
    packet = build_packet(maria, owner)
    reader = PdfReader(
        io.BytesIO(render_pdf(render_to_string("cases/packet/document.html", {"packet": packet})))
    )
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    position = 0
    for heading in (
        "Carpeta para la cita de segunda opinión",
        "nació el 12 de abril de 1968",
        "La cita",
        "Resumen para el especialista",
        "Cronología",
        "Medicamentos y dosis",
        "Historia clínica",
        "Seguro y remisión",
        "Preguntas para el médico",
        "Contactos",
        "Recordatorios para la cita",
        "Notas",
    ):
        found = text.find(heading, position)
        assert found != -1, f"{heading!r} missing, or out of order"
        position = found + len(heading)
    for english in (
        "Summary for the specialist",
        "Medications and dosages",
        "Reminders for the appointment",
    ):
        assert english not in text


@pytest.mark.django_db
def test_the_decision_summary_reads_in_spanish(spanish):
    owner = make_user("maria@example.org")
    maria = make_maria(owner)
    opinion = record_outcome(
        maria.current_opinion(),
        decision=Decision.SWITCH,
        decision_reason="A less invasive path.",
        decided_on=dt.date(2026, 1, 25),
    )
    FollowUpAction.objects.create(
        opinion=opinion, description="Book the radiation consult", due_on=dt.date(2026, 2, 2)
    )
    html, _day = decision_summary_html(maria)
    assert '<html lang="es"' in html
    for spanish_text in (
        "Resumen de la decisión",
        "La decisión",
        "Después de la",
        "Las opiniones lado a lado",
        "Próximos pasos",
        "antes del 2 de febrero de 2026",
        "no es un consejo médico",
    ):
        assert spanish_text in html, spanish_text
    for english in ("The decision", "What happens next", "it is not medical advice"):
        assert english not in html
